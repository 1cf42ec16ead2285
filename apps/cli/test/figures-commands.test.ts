import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodings } from '../src/commands/encodings.js';
import { heads } from '../src/commands/heads.js';
import { nw } from '../src/commands/nw.js';
import { run } from '../src/program.js';
import { captureIo, tempDir } from './helpers.js';

describe('nw', () => {
  it('runs from the command line, prints the loss per epoch and writes the six figures', async () => {
    const out = await tempDir();
    const io = captureIo();
    expect(await run(['nw', '--out', out], io)).toBe(0);
    const text = io.stdout();
    for (let epoch = 1; epoch <= 5; epoch++)
      expect(text).toMatch(new RegExp(`epoch ${epoch}, loss \\d+\\.\\d{3}`));
    for (const name of [
      'nw-average.svg',
      'nw-nonparametric.svg',
      'nw-parametric.svg',
      'nw-nonparametric-weights.svg',
      'nw-parametric-weights.svg',
      'nw-loss.svg',
    ]) {
      expect(existsSync(join(out, name)), name).toBe(true);
      expect(text).toContain(join(out, name));
    }
  });

  it('fits better with Nadaraya–Watson than with average pooling, and SGD sharpens the kernel', async () => {
    const report = await nw(
      { out: await tempDir(), seed: 0, trainPoints: 50, epochs: 5, lr: 0.5, initW: 1 },
      captureIo(),
    );
    expect(report.mse.nonParametric).toBeLessThan(report.mse.average);
    expect(report.mse.parametric).toBeLessThan(report.mse.average);
    // The training loss falls over the epochs and w grows (a narrower Gaussian), as in D2L.
    expect(report.losses).toHaveLength(5);
    expect(report.losses.at(-1)!).toBeLessThan(report.losses[0]!);
    expect(report.w).toBeGreaterThan(1);
  });

  it('draws the heatmaps over the 50 × 50 test × training inputs', async () => {
    const out = await tempDir();
    await nw({ out, seed: 1, trainPoints: 50, epochs: 2, lr: 0.5, initW: 1 }, captureIo());
    const svg = await readFile(join(out, 'nw-nonparametric-weights.svg'), 'utf8');
    expect(svg).toContain('data-attnkit-plot="heatmaps"');
    expect(svg.match(/aria-roledescription="rect mark"/g)).toHaveLength(2500);
    expect(svg).toContain('>Sorted training inputs</text>');
  });
});

describe('encodings', () => {
  it('plots columns 6–9 of the sinusoidal table, matching sin/cos of i / 10000^(2j/d)', async () => {
    const out = await tempDir();
    const report = await encodings({ out, positions: 60, dims: 32, maskSize: 10 }, captureIo());
    expect(report.columns).toHaveLength(4);
    for (const [k, column] of [6, 7, 8, 9].entries()) {
      const j = Math.floor(column / 2);
      for (const i of [0, 1, 17, 59]) {
        const angle = i / 10000 ** ((2 * j) / 32);
        const expected = column % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
        expect(report.columns[k]![i]).toBeCloseTo(expected, 5);
      }
    }
    expect(report.binary[5]).toBe('5 in binary is 101');
    expect(report.files.map((f) => f.slice(out.length + 1))).toEqual([
      'encodings-columns.svg',
      'encodings-heatmap.svg',
      'encodings-binary.svg',
      'encodings-causal-mask.svg',
    ]);
  });

  it('runs from the command line and prints where the figures are', async () => {
    const out = await tempDir();
    const io = captureIo();
    expect(await run(['encodings', '--out', out, '--positions', '20', '--dims', '12'], io)).toBe(0);
    expect(io.stdout()).toContain(join(out, 'encodings-heatmap.svg'));
    const mask = await readFile(join(out, 'encodings-causal-mask.svg'), 'utf8');
    // 10 × 10 cells; query i may attend to the i + 1 keys j <= i: 55 ones.
    expect(mask.match(/aria-roledescription="rect mark"/g)).toHaveLength(100);
    expect(mask.match(/aria-label="[^"]*; v: 1"/g)).toHaveLength(55);
  });
});

describe('heads', () => {
  it("prints D2L's multi-head attention shapes and draws every head", async () => {
    const out = await tempDir();
    const io = captureIo();
    expect(await run(['heads', '--out', out], io)).toBe(0);
    const report = await heads({ out, seed: 0, evalWindows: 8 }, captureIo());
    expect(report.shapes).toEqual({
      queries: [2, 4, 100],
      keys: [2, 6, 100],
      perHeadQueries: [10, 4, 20],
      attentionWeights: [10, 4, 6],
      headWeights: [2, 5, 4, 6],
      output: [2, 4, 100],
    });
    expect(report.importance).toBeNull();
    expect(io.stdout()).toContain('(10, 4, 6)');
    const svg = await readFile(join(out, 'heads-weights.svg'), 'utf8');
    // 2 batch entries × 5 heads × 4 queries × 6 keys.
    expect(svg.match(/aria-roledescription="rect mark"/g)).toHaveLength(240);
    expect(svg).toContain('>head 4</text>');
  });
});
