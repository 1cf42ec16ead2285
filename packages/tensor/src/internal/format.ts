// PyTorch's tensor printing (torch/_tensor_str.py, default print options), so that a D2L reader
// sees `tensor([[0.1235, 0.5000]])` where the book shows it. One formatter is chosen for the whole
// tensor (or its summary): integers, fixed point with 4 decimals, or scientific notation; every
// element is right-aligned to the widest one.

const PRECISION = 4;
const THRESHOLD = 1000;
const EDGEITEMS = 3;
const LINEWIDTH = 80;

/** What {@link formatTensor} needs of a tensor. */
export interface FormatInput {
  readonly values: ArrayLike<number>; // row-major
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly suffixes: readonly string[]; // after the data, e.g. `requires_grad=True`
  readonly prefix: string; // `tensor(`
}

/** Python's `'{:.Nf}'` / `'{:.Ne}'`: correctly rounded, ties to even (JS rounds ties up). */
function pyFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const s = Object.is(x, -0) ? `-${(0).toFixed(digits)}` : x.toFixed(digits); // Python keeps -0's sign
  return isTie(x.toFixed(Math.min(100, digits + 30)), digits) ? evenTie(s, false) : s;
}

function pySci(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  let s = Object.is(x, -0) ? `-${(0).toExponential(digits)}` : x.toExponential(digits);
  if (isTie(x.toExponential(Math.min(100, digits + 30)).split('e')[0]!, digits)) s = evenTie(s, true);
  const [mantissa, exp] = s.split('e') as [string, string];
  const sign = exp[0] === '-' ? '-' : '+';
  const e = exp.replace(/^[+-]/, '');
  return `${mantissa}e${sign}${e.padStart(2, '0')}`;
}

/** True if the exact expansion `long` has a 5 followed by zeros right after `digits` decimals. */
function isTie(long: string, digits: number): boolean {
  const frac = long.split('.')[1] ?? '';
  return frac[digits] === '5' && /^0*$/.test(frac.slice(digits + 1));
}

/** JS rounded a tie away from zero; step back to the even neighbour when that is odd. */
function evenTie(s: string, sci: boolean): string {
  const mantissa = sci ? s.split('e')[0]! : s;
  if (Number(mantissa.at(-1)) % 2 === 0) return s;
  return s.replace(/^(-?)([\d.]+)/, (_, sign: string, digits: string) => sign + stepDown(digits));
}

/** Decrements the last digit of a positive decimal string (it is odd, so no borrow). */
function stepDown(s: string): string {
  return s.slice(0, -1) + String(Number(s.at(-1)) - 1);
}

interface Formatter {
  width: number;
  format(v: number): string;
}

function makeFormatter(values: readonly number[], dtype: string): Formatter {
  const floating = dtype === 'float32' || dtype === 'float64';
  if (!floating) {
    const text = (v: number) => (dtype === 'bool' ? (v ? 'True' : 'False') : String(v));
    const width = Math.max(1, ...values.map((v) => text(v).length));
    return { width, format: (v) => text(v).padStart(width) };
  }
  const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
  let intMode = true;
  let sciMode = false;
  let width = 1;
  if (finite.length > 0) {
    const abs = finite.map(Math.abs);
    const lo = Math.min(...abs);
    const hi = Math.max(...abs);
    intMode = finite.every((v) => v === Math.ceil(v));
    const measure = (f: (v: number) => string, extra = 0) => {
      for (const v of finite) width = Math.max(width, f(v).length + extra);
    };
    if (intMode) {
      if (hi / lo > 1000 || hi > 1e8) {
        sciMode = true;
        measure((v) => pySci(v, PRECISION));
      } else measure((v) => pyFixed(v, 0), 1);
    } else if (hi / lo > 1000 || hi > 1e8 || lo < 1e-4) {
      sciMode = true;
      measure((v) => pySci(v, PRECISION));
    } else measure((v) => pyFixed(v, PRECISION));
  }
  const format = (v: number): string => {
    let s: string;
    if (sciMode) s = pySci(v, PRECISION);
    else if (intMode) s = pyFixed(v, 0) + (Number.isFinite(v) ? '.' : '');
    else s = pyFixed(v, PRECISION);
    return s.padStart(width);
  };
  return { width, format };
}

/** A nested view over row-major values: element `i` of axis 0 of the sub-tensor at `offset`. */
interface Block {
  offset: number;
  shape: readonly number[];
}

function strideOf(shape: readonly number[]): number {
  return shape.slice(1).reduce((a, b) => a * b, 1);
}

/** Indices kept along an axis of extent n (the first and last EDGEITEMS when summarising). */
function kept(n: number, summarize: boolean): number[] | [number[], number[]] {
  if (summarize && n > 2 * EDGEITEMS) {
    return [
      Array.from({ length: EDGEITEMS }, (_, i) => i),
      Array.from({ length: EDGEITEMS }, (_, i) => n - EDGEITEMS + i),
    ];
  }
  return Array.from({ length: n }, (_, i) => i);
}

function summarized(values: ArrayLike<number>, b: Block, summarize: boolean, out: number[]): void {
  if (b.shape.length === 0) {
    out.push(values[b.offset]!);
    return;
  }
  const k = kept(b.shape[0]!, summarize);
  const idx = Array.isArray(k[0]) ? [...(k[0] as number[]), ...(k[1] as number[])] : (k as number[]);
  const step = strideOf(b.shape);
  for (const i of idx)
    summarized(values, { offset: b.offset + i * step, shape: b.shape.slice(1) }, summarize, out);
}

function render(
  values: ArrayLike<number>,
  b: Block,
  indent: number,
  summarize: boolean,
  f: Formatter,
): string {
  const dim = b.shape.length;
  if (dim === 0) return f.format(values[b.offset]!);
  const n = b.shape[0]!;
  const k = kept(n, summarize);
  const split = Array.isArray(k[0]);
  const groups = split ? (k as [number[], number[]]) : [k as number[]];
  const step = strideOf(b.shape);
  if (dim === 1) {
    const perLine = Math.max(1, Math.floor((LINEWIDTH - indent) / (f.width + 2)));
    const items: string[] = [];
    groups.forEach((g, gi) => {
      if (gi === 1) items.push(' ...');
      for (const i of g) items.push(f.format(values[b.offset + i]!));
    });
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
  }
  const slices: string[] = [];
  groups.forEach((g, gi) => {
    if (gi === 1) slices.push('...');
    for (const i of g) {
      slices.push(
        render(values, { offset: b.offset + i * step, shape: b.shape.slice(1) }, indent + 1, summarize, f),
      );
    }
  });
  return `[${slices.join(`,${'\n'.repeat(dim - 1)}${' '.repeat(indent + 1)}`)}]`;
}

/** PyTorch's `str(tensor)` for attnkit's tensor data (see the module comment). */
export function formatTensor(t: FormatInput): string {
  const indent = t.prefix.length;
  const n = t.values.length;
  let body: string;
  const suffixes: string[] = [];
  if (n === 0) {
    if (t.shape.length !== 1) suffixes.push(`size=(${t.shape.join(', ')})`);
    if (t.dtype !== 'float32') suffixes.push(`dtype=${t.dtype}`);
    body = '[]';
  } else {
    if (t.dtype !== 'float32' && t.dtype !== 'bool') suffixes.push(`dtype=${t.dtype}`);
    const summarize = n > THRESHOLD;
    const root = { offset: 0, shape: t.shape };
    const sample: number[] = [];
    summarized(t.values, root, summarize, sample);
    body = render(t.values, root, indent, summarize, makeFormatter(sample, t.dtype));
  }
  suffixes.push(...t.suffixes);
  // _add_suffixes: a suffix that would pass the line width goes on its own line.
  let out = t.prefix + body;
  let lastLine = out.length - out.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLine + s.length + 2 > LINEWIDTH) {
      out += `,\n${' '.repeat(indent)}${s}`;
      lastLine = indent + s.length;
    } else {
      out += `, ${s}`;
      lastLine += s.length + 2;
    }
  }
  return `${out})`;
}
