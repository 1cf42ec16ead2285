// Reads a snippet's documented output: `// expect: text` lines (text that must appear in the
// output) and `// expect-figures: n` (the number of figures it shows). The docs runner reads the
// same lines (see .vitepress/theme/snippet-sources.ts), and so does the browser test.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SNIPPETS_DIR = fileURLToPath(new URL('../snippets/', import.meta.url));

export interface SnippetFile {
  /** Path under snippets/, e.g. `scoring-functions/masked-softmax.ts`. */
  name: string;
  path: string;
  source: string;
  texts: string[];
  figures: number;
}

export function expectations(source: string): { texts: string[]; figures: number } {
  const texts = [...source.matchAll(/^\s*\/\/ expect: (.+)$/gm)].map((m) => m[1]!.trim());
  const figures = Number(source.match(/^\s*\/\/ expect-figures: (\d+)$/m)?.[1] ?? 0);
  return { texts, figures };
}

/** Every snippet under snippets/<topic>/ (not the figure API itself). */
export function snippetFiles(): SnippetFile[] {
  const files: SnippetFile[] = [];
  for (const topic of readdirSync(SNIPPETS_DIR, { withFileTypes: true })) {
    if (!topic.isDirectory()) continue;
    for (const file of readdirSync(join(SNIPPETS_DIR, topic.name)).sort()) {
      if (!file.endsWith('.ts')) continue;
      const path = join(SNIPPETS_DIR, topic.name, file);
      const source = readFileSync(path, 'utf8');
      files.push({ name: relative(SNIPPETS_DIR, path), path, source, ...expectations(source) });
    }
  }
  return files;
}
