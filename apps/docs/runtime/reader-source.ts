// What readers see of a snippet: its source without the lines that only the tests read —
// `// expect: …`, `// expect-figures: n` and Biome directives. The docs pages (the code blocks
// and the runner's editor) show this; the tests and the runner's checks read the full source.
const TEST_ONLY = /^\s*(\/\/|#) (expect(-figures)?: |biome-ignore)/;

export function readerSource(source: string): string {
  const lines = source.split('\n').filter((line) => !TEST_ONLY.test(line));
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return `${lines.join('\n')}\n`;
}
