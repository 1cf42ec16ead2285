import { arange, reshape, tensor } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { runSource } from '../runtime/execute.js';
import { formatValue } from '../runtime/format.js';

const noEvents = { log: () => {}, figure: () => {} };

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
        figure: () => {},
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

describe('figures', () => {
  it('draws a logged or returned SVG document as a figure instead of printing it', async () => {
    const lines: string[] = [];
    const figures: string[] = [];
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" data-attnkit-plot="plot"></svg>';
    const { result } = await runSource(
      `console.log(${JSON.stringify(svg)});\nconsole.log('<svg> is a tag');\nexport function main() { return ${JSON.stringify(svg)}; }`,
      {},
      { log: (_level, text) => lines.push(text), figure: (f) => figures.push(f) },
    );
    expect(figures).toEqual([svg, svg]);
    expect(lines).toEqual(['<svg> is a tag']);
    expect(result).toBeNull();
  });
});
