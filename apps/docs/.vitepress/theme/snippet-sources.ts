// The sources of every snippet, bundled as text: the runner edits and runs them, and reads the
// documented output (`// expect: …` lines) that the tests check.
const sources = import.meta.glob('../../snippets/**/*.ts', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

export function snippetSource(src: string): string {
  const source = sources[`../../snippets/${src}`];
  if (source === undefined) throw new Error(`RunSnippet: no snippet at snippets/${src}`);
  return source;
}

/** The documented output of a snippet: `// expect: text` lines and `// expect-figures: n`. */
export function expectations(source: string): { texts: string[]; figures: number } {
  const texts = [...source.matchAll(/^\s*\/\/ expect: (.+)$/gm)].map((m) => m[1]!.trim());
  const figures = Number(source.match(/^\s*\/\/ expect-figures: (\d+)$/m)?.[1] ?? 0);
  return { texts, figures };
}
