import { afterEach, describe, expect, it, vi } from 'vitest';
import { runSource } from '../runtime/execute.js';
import { formatArgs, formatValue } from '../runtime/format.js';
import { MODULES } from '../runtime/modules.js';
import { type Figure, setFigureSink } from '../snippets/show.js';
import { snippetFiles } from './expectations.js';

const files = snippetFiles();

interface Captured {
  output: string;
  figures: Figure[];
}

/** Imports the snippet as a module (as the docs page shows it) and runs its `main`. */
async function runAsModule(path: string): Promise<Captured> {
  const lines: string[] = [];
  const figures: Figure[] = [];
  setFigureSink((figure) => figures.push(figure));
  const capture = (...args: unknown[]) => void lines.push(formatArgs(args));
  for (const level of ['log', 'info', 'warn', 'error'] as const) {
    vi.spyOn(console, level).mockImplementation(capture);
  }
  const mod = (await import(/* @vite-ignore */ path)) as { main?: () => unknown };
  const value = typeof mod.main === 'function' ? await mod.main() : undefined;
  if (value !== undefined) lines.push(formatValue(value));
  return { output: lines.join('\n'), figures };
}

/** Runs the snippet's source text the way the browser worker does (Sucrase + the module table). */
async function runAsSource(source: string): Promise<Captured> {
  const lines: string[] = [];
  const figures: Figure[] = [];
  setFigureSink((figure) => figures.push(figure));
  const { result } = await runSource(source, MODULES, { log: (_level, text) => lines.push(text) });
  if (result !== null) lines.push(result);
  return { output: lines.join('\n'), figures };
}

afterEach(() => {
  vi.restoreAllMocks();
  setFigureSink(null);
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
    });

    it(`runs ${file.name} from source as the browser worker does`, async () => {
      const { output, figures } = await runAsSource(file.source);
      for (const text of file.texts) expect(output).toContain(text);
      expect(figures).toHaveLength(file.figures);
    });
  }
});
