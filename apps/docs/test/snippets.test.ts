import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runSource } from '../runtime/execute.js';
import { formatArgs, formatValue, isFigure } from '../runtime/format.js';
import { MODULES } from '../runtime/modules.js';
import { snippetFiles } from './expectations.js';

const files = snippetFiles();

interface Captured {
  output: string;
  figures: string[];
}

/** Imports the snippet as a module (as the docs page shows it) and runs its `main`. */
async function runAsModule(path: string): Promise<Captured> {
  const lines: string[] = [];
  const figures: string[] = [];
  const capture = (...args: unknown[]) => {
    if (args.length === 1 && isFigure(args[0])) figures.push(args[0]);
    else lines.push(formatArgs(args));
  };
  for (const level of ['log', 'info', 'warn', 'error'] as const) {
    vi.spyOn(console, level).mockImplementation(capture);
  }
  const mod = (await import(/* @vite-ignore */ path)) as { main?: () => unknown };
  const value = typeof mod.main === 'function' ? await mod.main() : undefined;
  if (isFigure(value)) figures.push(value);
  else if (value !== undefined) lines.push(formatValue(value));
  return { output: lines.join('\n'), figures };
}

/** Runs the snippet's source text the way the browser worker does (Sucrase + the module table). */
async function runAsSource(source: string): Promise<Captured> {
  const lines: string[] = [];
  const figures: string[] = [];
  const { result } = await runSource(source, MODULES, {
    log: (_level, text) => lines.push(text),
    figure: (svg) => figures.push(svg),
  });
  if (result !== null) lines.push(result);
  return { output: lines.join('\n'), figures };
}

/** The docs site serves public/ at its root; snippets fetch files there (e.g. a checkpoint). */
const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));
const siteFetch = async (input: RequestInfo | URL): Promise<Response> => {
  const url = String(input);
  if (!url.startsWith('/')) throw new Error(`snippets may fetch only files of the site; got ${url}`);
  return new Response(await readFile(join(PUBLIC_DIR, url.slice(1))));
};

beforeEach(() => {
  vi.stubGlobal('fetch', siteFetch);
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('snippets', () => {
  it('finds the snippets of every topic page', () => {
    const topics = new Set(files.map((f) => f.name.split('/')[0]));
    expect([...topics].sort()).toEqual([
      'attention-pooling',
      'getting-started',
      'masks',
      'multi-head-attention',
      'performance',
      'pytorch-interop',
      'queries-keys-values',
      'scoring-functions',
      'self-attention',
      'seq2seq',
      'transformer',
    ]);
    for (const file of files)
      expect(file.texts.length, `${file.name} documents its output`).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`runs ${file.name} as a module and prints its documented output`, async () => {
      const { output, figures } = await runAsModule(file.path);
      for (const text of file.texts) expect(output).toContain(text);
      expect(figures).toHaveLength(file.figures);
      // Every figure is @attnkit/plot's: snippets draw with the published package only.
      for (const svg of figures) expect(svg).toMatch(/^<svg [^>]*data-attnkit-plot="(heatmaps|plot)"/);
    });

    it(`runs ${file.name} from source as the browser worker does`, async () => {
      const { output, figures } = await runAsSource(file.source);
      for (const text of file.texts) expect(output).toContain(text);
      expect(figures).toHaveLength(file.figures);
    });
  }
});
