import { InvalidArgumentError } from '@attnkit/tensor';
import type { TopLevelSpec } from 'vega-lite';
import { CONFIG, PIXELS_PER_INCH, renderSvg } from './internal/render.js';
import { checkFinite, checkOptions, flatValues, isTensor, type Numeric } from './internal/values.js';

/** Options of {@link plot}; the names and defaults are D2L's `d2l.plot`. */
export interface PlotOptions {
  /** Title of the x axis (default none). */
  xlabel?: string;
  /** Title of the y axis (default none). */
  ylabel?: string;
  /** One legend entry per series, in order (default no legend). */
  legend?: readonly string[];
  /** Range of the x axis `[low, high]`; lines outside are clipped (default the data's range). */
  xlim?: readonly [number, number];
  /** Range of the y axis `[low, high]`; lines outside are clipped (default the data's range). */
  ylim?: readonly [number, number];
  /** `'linear'` (default) or `'log'`. */
  xscale?: 'linear' | 'log';
  /** `'linear'` (default) or `'log'`. */
  yscale?: 'linear' | 'log';
  /**
   * matplotlib format strings, one per series, cycled: colour letter (`bgrcmyk`), marker
   * (`o . x + s ^ *`) and line style (`- -- -. :`); a marker without a line style draws points only
   * (default D2L's `['-', 'm--', 'g-.', 'r:']`).
   */
  fmts?: readonly string[];
  /** Figure size in inches `[width, height]`, 100 px per inch (default `[3.5, 2.5]`, D2L's). */
  figsize?: readonly [number, number];
  /** Title above the figure (default none). */
  title?: string;
}

const OPTION_TYPES = {
  xlabel: 'string',
  ylabel: 'string',
  legend: 'strings',
  xlim: 'pair',
  ylim: 'pair',
  xscale: 'string',
  yscale: 'string',
  fmts: 'strings',
  figsize: 'pair',
  title: 'string',
} as const;

/** matplotlib's single-letter colours and its default colour cycle (tab10). */
const LETTERS: Readonly<Record<string, string>> = {
  b: '#0000ff',
  g: '#008000',
  r: '#ff0000',
  c: '#00bfbf',
  m: '#bf00bf',
  y: '#bfbf00',
  k: '#000000',
};
const CYCLE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];
const DASHES: Readonly<Record<string, number[]>> = { '-': [], '--': [6, 3], '-.': [6, 3, 1, 3], ':': [1, 2] };
const LEGEND = {
  title: null,
  orient: 'top-right',
  fillColor: 'white',
  strokeColor: '#ccc',
  padding: 4,
} as const;
const MARKERS: Readonly<Record<string, string>> = {
  o: 'circle',
  '.': 'circle',
  x: 'cross',
  '+': 'cross',
  s: 'square',
  '^': 'triangle-up',
  '*': 'diamond',
};

interface Format {
  color: string | null;
  marker: string | null;
  dash: number[] | null;
}

/** Parses a matplotlib format string such as `'m--'`, `'o'`, `'-o'` or `'r:'` (parts in any order). */
function parseFormat(fmt: string): Format {
  let color: string | undefined;
  let marker: string | undefined;
  let line: string | undefined;
  let rest = fmt;
  while (rest.length > 0) {
    const style = ['--', '-.', '-', ':'].find((l) => rest.startsWith(l));
    const c = rest[0]!;
    if (style !== undefined && line === undefined) {
      line = style;
      rest = rest.slice(style.length);
    } else if (c in MARKERS && marker === undefined) {
      marker = c;
      rest = rest.slice(1);
    } else if (c in LETTERS && color === undefined) {
      color = c;
      rest = rest.slice(1);
    } else {
      throw new InvalidArgumentError(
        `plot: fmts entry '${fmt}' is not a format string like '-', 'm--', 'o', '-o' or 'r:'.`,
      );
    }
  }
  return {
    color: color ? LETTERS[color]! : null,
    marker: marker ?? null,
    dash: line ? DASHES[line]! : marker ? null : [],
  };
}

/** D2L's `has_one_axis`: a rank-1 tensor or an array of numbers. */
function hasOneAxis(x: unknown): boolean {
  if (isTensor(x)) return x.shape.length === 1;
  return Array.isArray(x) && (x.length === 0 || typeof x[0] === 'number');
}

/** Series of a `ys` argument: one rank-1 series, rows of a rank-2 tensor, or a list of series. */
function toSeries(arg: unknown, name: string): number[][] {
  if (hasOneAxis(arg)) return [flatValues(arg as Numeric)];
  if (isTensor(arg)) {
    if (arg.shape.length !== 2)
      throw new InvalidArgumentError(
        `plot: ${name} must be rank 1, rank 2 (one series per row) or a list of series; got shape (${arg.shape.join(', ')}).`,
      );
    const [rows, cols] = arg.shape as [number, number];
    const flat = flatValues(arg);
    return Array.from({ length: rows }, (_, r) => flat.slice(r * cols, (r + 1) * cols));
  }
  if (Array.isArray(arg))
    return arg.map((s, i) => {
      if (!hasOneAxis(s))
        throw new InvalidArgumentError(`plot: ${name}[${i}] must be a rank-1 tensor or an array of numbers.`);
      return flatValues(s as Numeric);
    });
  throw new InvalidArgumentError(`plot: ${name} must be a tensor or an array; got ${typeof arg}.`);
}

/** A series argument of {@link plot}: one series, a rank-2 tensor (one series per row), or a list. */
export type Series = Numeric | readonly Numeric[];

/**
 * Line plots of one or more series against x, as an SVG document: D2L's `d2l.plot`.
 *
 * `plot(x, ys)` draws each series of `ys` against `x` (or against its own entry of `x` when `x`
 * is a list of as many series); `plot(ys)` draws against `0, 1, …`. A rank-2 tensor holds one
 * series per row (D2L's `P[0, :, 6:10].T`).
 *
 * Shapes: x (points) or a list of (points); ys (points), (series, points) or a list of (points)
 *
 * @param x - The x values, or (with `ys` omitted) the series to draw.
 * @param ys - The y values, or the options object when `x` holds the series.
 * @param options - Axis titles, legend, limits, scales, matplotlib format strings, figure size.
 * @returns A standalone SVG document (`<svg class="attnkit-plot" data-attnkit-plot="plot" …>`).
 * @throws {@link InvalidArgumentError} for an unknown or mistyped option, a series whose length
 *   differs from its x, NaN or infinite values, a bad format string, more legend entries than
 *   series, or non-positive values on a log axis.
 * @see D2L §2.4 "Calculus" (`d2l.plot`), used throughout §11.
 * @example
 * ```ts
 * import { arange, exp, neg, square } from '@attnkit/tensor';
 * import { plot } from '@attnkit/plot';
 * const x = arange(-3, 3, 0.1);
 * const svg = await plot(x, [exp(neg(square(x)))], { xlabel: 'x', legend: ['gaussian'] });
 * ```
 */
export async function plot(x: Series, ys?: Series | PlotOptions, options: PlotOptions = {}): Promise<string> {
  let xArg: unknown = x;
  let yArg: unknown = ys;
  if (ys === undefined || (!Array.isArray(ys) && !isTensor(ys))) {
    options = (ys as PlotOptions | undefined) ?? options;
    yArg = x;
    xArg = undefined;
  }
  checkOptions('plot', options, OPTION_TYPES);
  for (const key of ['xscale', 'yscale'] as const) {
    const v = options[key];
    if (v !== undefined && v !== 'linear' && v !== 'log')
      throw new InvalidArgumentError(`plot: ${key} must be 'linear' or 'log'; got '${v}'.`);
  }
  const series = toSeries(yArg, 'ys');
  const xs =
    xArg === undefined
      ? series.map((s) => s.map((_, i) => i))
      : hasOneAxis(xArg)
        ? series.map(() => flatValues(xArg as Numeric))
        : toSeries(xArg, 'x');
  if (xs.length !== series.length)
    throw new InvalidArgumentError(`plot: x holds ${xs.length} series; ys holds ${series.length}.`);
  const legend = options.legend ?? [];
  if (legend.length > series.length)
    throw new InvalidArgumentError(`plot: legend has ${legend.length} entries for ${series.length} series.`);
  const fmts = (options.fmts ?? ['-', 'm--', 'g-.', 'r:']).map(parseFormat);
  if (fmts.length === 0) throw new InvalidArgumentError('plot: fmts must not be empty.');

  const [figW, figH] = options.figsize ?? [3.5, 2.5];
  const axis = (
    title: string | undefined,
    scale: 'linear' | 'log' | undefined,
    lim: readonly [number, number] | undefined,
  ) => ({
    title: title ?? null,
    scale: {
      type: scale ?? 'linear',
      ...(lim ? { domain: [...lim], nice: false } : scale === 'log' ? {} : { zero: false }),
    },
  });
  const xAxis = axis(options.xlabel, options.xscale, options.xlim);
  const yAxis = axis(options.ylabel, options.yscale, options.ylim);
  // Every layer names its series in one shared colour scale, so the legend lists them all.
  const colorScale = { domain: [] as string[], range: [] as string[] };
  let cycle = 0;
  const layers: object[] = [];
  series.forEach((ys, s) => {
    const xv = xs[s]!;
    if (xv.length !== ys.length)
      throw new InvalidArgumentError(`plot: series ${s} has ${ys.length} values; its x has ${xv.length}.`);
    for (const [arg, values] of [
      ['x', xv],
      ['ys', ys],
    ] as const) {
      checkFinite('plot', arg, values);
      if (values.some((v) => !Number.isFinite(v)))
        throw new InvalidArgumentError(`plot: ${arg} of series ${s} holds an infinite value.`);
    }
    if (options.xscale === 'log' && xv.some((v) => v <= 0))
      throw new InvalidArgumentError(`plot: xscale 'log' needs x > 0; series ${s} has x <= 0.`);
    if (options.yscale === 'log' && ys.some((v) => v <= 0))
      throw new InvalidArgumentError(`plot: yscale 'log' needs y > 0; series ${s} has y <= 0.`);
    const fmt = fmts[s % fmts.length]!;
    const color = fmt.color ?? CYCLE[cycle++ % CYCLE.length]!;
    const label = legend[s];
    if (label !== undefined) {
      colorScale.domain.push(label);
      colorScale.range.push(color);
    }
    const values = xv.map((xi, i) => ({ x: xi, y: ys[i]! }));
    const encoding = {
      x: { field: 'x', type: 'quantitative', ...xAxis },
      y: { field: 'y', type: 'quantitative', ...yAxis },
      ...(label !== undefined ? { color: { datum: label, scale: colorScale, legend: LEGEND } } : {}),
    };
    if (fmt.dash !== null)
      layers.push({
        data: { values },
        mark: { type: 'line', color, strokeDash: fmt.dash, strokeWidth: 1.5, clip: true },
        encoding,
      });
    if (fmt.marker !== null)
      layers.push({
        data: { values },
        mark: {
          type: 'point',
          shape: MARKERS[fmt.marker],
          color,
          filled: fmt.marker !== 'x' && fmt.marker !== '+',
          size: fmt.marker === '.' ? 12 : 30,
          opacity: 0.8,
          clip: true,
        },
        encoding,
      });
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: options.title } : {}),
    width: Math.round(figW * PIXELS_PER_INCH),
    height: Math.round(figH * PIXELS_PER_INCH),
    layer: layers,
    config: CONFIG,
  } as unknown as TopLevelSpec;
  return renderSvg(spec, 'plot');
}
