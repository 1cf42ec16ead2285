import { arange, reshape, tensor } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { runSource } from '../runtime/execute.js';
import { formatValue } from '../runtime/format.js';
import { heatmap, lineplot } from '../snippets/show.js';

const noEvents = { log: () => {} };

describe('runSource', () => {
  it('strips types, resolves imports from the module table and formats the value main returns', async () => {
    const source =
      "import { double } from 'lib';\nconst x: number = 2;\nexport function main(): number[] {\n  return [double(x)];\n}\n";
    const { result } = await runSource(source, { lib: { double: (v: number) => 2 * v } }, noEvents);
    expect(result).toBe('[4]');
  });

  it('passes console output to the events as formatted text', async () => {
    const lines: string[] = [];
    await runSource(
      "console.log('n =', 3, [1, 2]);\nconsole.warn('careful');",
      {},
      {
        log: (level, text) => lines.push(`${level}: ${text}`),
      },
    );
    expect(lines).toEqual(['log: n = 3 [1,2]', 'warn: careful']);
  });

  it('supports top-level await and async main', async () => {
    const source =
      'await Promise.resolve();\nexport async function main() {\n  return await Promise.resolve(7);\n}\n';
    expect((await runSource(source, {}, noEvents)).result).toBe('7');
  });

  it('reports the line of the snippet where an error is thrown', async () => {
    const source = "const a = 1;\n\nexport function main() {\n  throw new RangeError('bad ' + a);\n}\n";
    await expect(runSource(source, {}, noEvents)).rejects.toEqual({
      name: 'RangeError',
      message: 'bad 1',
      line: 4,
    });
  });

  it('reports the line of a syntax error', async () => {
    await expect(runSource('const a = 1;\nconst b = ;\n', {}, noEvents)).rejects.toMatchObject({
      name: 'SyntaxError',
      line: 2,
    });
  });

  it('rejects an import that is not in the module table, naming the ones that are', async () => {
    await expect(
      runSource("import { x } from 'nowhere';\nconsole.log(x);\n", { lib: {} }, noEvents),
    ).rejects.toMatchObject({
      message: "Cannot import 'nowhere' here; snippets can import lib.",
      line: 1,
    });
  });
});

describe('formatValue', () => {
  it('prints a tensor with its shape, dtype and four decimals', () => {
    expect(
      formatValue(
        tensor([
          [0.5, 1],
          [2, -3.25],
        ]),
      ),
    ).toBe('Tensor (2, 2) float32\n[[0.5000, 1.0000],\n [2.0000, -3.2500]]');
  });

  it('prints int and bool tensors without decimals', () => {
    expect(formatValue(tensor([1, 2], { dtype: 'int32' }))).toBe('Tensor (2) int32\n[1, 2]');
    expect(formatValue(tensor([true, false], { dtype: 'bool' }))).toBe('Tensor (2) bool\n[true, false]');
  });

  it('elides the middle of long axes as PyTorch does', () => {
    expect(formatValue(arange(0, 10, 1, { dtype: 'int32' }))).toBe(
      'Tensor (10) int32\n[0, 1, 2, …, 7, 8, 9]',
    );
  });

  it('separates the matrices of a 3-D tensor by a blank line', () => {
    const text = formatValue(reshape(arange(0, 4, 1, { dtype: 'int32' }), [2, 1, 2]));
    expect(text).toBe('Tensor (2, 1, 2) int32\n[[[0, 1]],\n\n [[2, 3]]]');
  });

  it('prints each tensor of an object on its own line', () => {
    expect(formatValue({ output: tensor([1], { dtype: 'int32' }) })).toBe('output: Tensor (1) int32\n[1]');
  });
});

describe('heatmap', () => {
  it('makes one panel per leading index with the given titles', () => {
    const figure = heatmap(reshape(arange(0, 8, 1, { dtype: 'float32' }), [2, 2, 2]), { titles: ['a', 'b'] });
    expect(figure.panels).toEqual([
      {
        title: 'a',
        values: [
          [0, 1],
          [2, 3],
        ],
      },
      {
        title: 'b',
        values: [
          [4, 5],
          [6, 7],
        ],
      },
    ]);
  });

  it('throws for a tensor with fewer than 2 axes', () => {
    expect(() => heatmap(tensor([1, 2]))).toThrow('heatmap: values must have at least 2 axes; got (2).');
  });
});

describe('lineplot', () => {
  it('throws when a series and x differ in length', () => {
    expect(() => lineplot([0, 1, 2], { y: [1, 2] })).toThrow("lineplot: series 'y' has 2 values; x has 3.");
  });
});
