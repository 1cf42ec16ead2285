import { arange, InvalidArgumentError, sin, stack, tensor } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { markCount, texts } from '../test/svg.js';
import { plot } from './plot.js';

/** `d` of every line mark's path, in order. */
function lines(svg: string): { d: string; stroke: string; dash: string | null }[] {
  return [...svg.matchAll(/<g class="mark-line role-mark[^"]*"[^>]*><path ([^>]*)\/>/g)].map((m) => ({
    d: m[1]!.match(/d="([^"]+)"/)![1]!,
    stroke: m[1]!.match(/stroke="([^"]+)"/)![1]!,
    dash: m[1]!.match(/stroke-dasharray="([^"]+)"/)?.[1] ?? null,
  }));
}

describe('plot', () => {
  it('draws one line per series with D2L default formats, axis titles and a legend', async () => {
    const x = arange(0, 3, 0.5);
    const svg = await plot(x, [sin(x), x], { xlabel: 'x', ylabel: 'f(x)', legend: ['sin', 'x'] });
    expect(svg).toContain('data-attnkit-plot="plot"');
    const drawn = lines(svg);
    expect(drawn).toHaveLength(2);
    // '-' takes the first colour of matplotlib's cycle; 'm--' is magenta and dashed.
    expect(drawn[0]!.stroke).toBe('#1f77b4');
    expect(drawn[0]!.dash).toBeNull();
    expect(drawn[1]!.stroke).toBe('#bf00bf');
    expect(drawn[1]!.dash).toBe('6,3');
    // Six points make a path of one move and five line segments.
    expect(drawn[0]!.d.match(/[ML]/g)).toHaveLength(6);
    expect(texts(svg, 'axis-title')).toEqual(expect.arrayContaining(['x', 'f(x)']));
    expect(texts(svg, 'legend-label')).toEqual(['sin', 'x']);
  });

  it('treats the rows of a rank-2 tensor as series and plots against 0, 1, … without x', async () => {
    const ys = stack([tensor([1, 2, 3]), tensor([3, 2, 1]), tensor([2, 2, 2])]);
    const svg = await plot(ys, { fmts: ['-'] });
    expect(lines(svg)).toHaveLength(3);
    expect(lines(svg).map((l) => l.stroke)).toEqual(['#1f77b4', '#ff7f0e', '#2ca02c']);
    expect(texts(svg, 'axis-label')).toEqual(expect.arrayContaining(['0.0', '2.0']));
  });

  it('draws points only for a marker format, each series at its own x', async () => {
    const svg = await plot(
      [
        [0, 1, 2, 3],
        [0.5, 1.5],
      ],
      [
        [1, 2, 3, 4],
        [2, 3],
      ],
      { fmts: ['-', 'ro'] },
    );
    expect(lines(svg)).toHaveLength(1);
    expect(markCount(svg, 'symbol')).toBe(2);
    // 'ro': red points, filled.
    expect(svg).toMatch(/role-mark[^>]*>(<path [^>]*fill="#ff0000"[^>]*\/>){2}<\/g>/);
  });

  it('uses xlim and ylim as the axis ranges and log scales when asked', async () => {
    const svg = await plot([1, 10, 100], [1, 2, 3], { xlim: [1, 100], ylim: [0, 4], xscale: 'log' });
    const labels = texts(svg, 'axis-label');
    expect(labels).toContain('100');
    expect(labels).toContain('4.0');
    expect(labels).toContain('10');
    // On the log axis x = 10 sits half-way between 1 and 100: the line's points are evenly spaced.
    const xs = [...lines(svg)[0]!.d.matchAll(/[ML]([\d.]+),/g)].map((m) => Number(m[1]));
    expect(xs).toHaveLength(3);
    expect(xs[1]! - xs[0]!).toBeCloseTo(xs[2]! - xs[1]!, 6);
  });

  it('throws InvalidArgumentError for bad options and data', async () => {
    await expect(plot([0, 1], [0, 1], { xLabel: 'x' } as never)).rejects.toThrow(/unknown option 'xLabel'/);
    await expect(plot([0, 1], [0, 1, 2])).rejects.toThrow(/series 0 has 3 values; its x has 2/);
    await expect(plot([0, 1], [0, Number.NaN])).rejects.toThrow(InvalidArgumentError);
    await expect(plot([0, 1], [0, Number.POSITIVE_INFINITY])).rejects.toThrow(/infinite/);
    await expect(plot([0, 1], [0, 1], { fmts: ['q'] })).rejects.toThrow(/not a format string/);
    await expect(plot([0, 1], [0, 1], { legend: ['a', 'b'] })).rejects.toThrow(
      /legend has 2 entries for 1 series/,
    );
    await expect(plot([0, 1], [0, 1], { yscale: 'log' })).rejects.toThrow(/y > 0/);
    await expect(plot([0, 1], [0, 1], { xscale: 'symlog' as never })).rejects.toThrow(/'linear' or 'log'/);
  });
});
