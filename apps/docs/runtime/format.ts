// Pretty-printing of snippet output, shared by the browser worker and the Node test suite so both
// show (and check) the same text: tensors print as `Tensor (2, 3) float32` and their values.

interface TensorLike {
  readonly shape: readonly number[];
  readonly dtype: string;
  toArray(): unknown;
}

export function isTensorLike(x: unknown): x is TensorLike {
  return (
    typeof x === 'object' &&
    x !== null &&
    Array.isArray((x as TensorLike).shape) &&
    typeof (x as TensorLike).dtype === 'string' &&
    typeof (x as TensorLike).toArray === 'function'
  );
}

/** At most this many entries per axis are printed; the middle ones become `…` (PyTorch's edgeitems=3). */
const EDGE = 3;

function formatScalar(v: unknown, dtype: string): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v !== 'number') return String(v);
  if (dtype.startsWith('int')) return String(v);
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e5 || abs < 1e-4)) return v.toExponential(3);
  return v.toFixed(4);
}

function formatNested(value: unknown, dtype: string, indent: number): string {
  if (!Array.isArray(value)) return formatScalar(value, dtype);
  const items: string[] = [];
  const n = value.length;
  const elide = n > 2 * EDGE + 1;
  for (let i = 0; i < n; i++) {
    if (elide && i === EDGE) {
      items.push('…');
      i = n - EDGE - 1;
      continue;
    }
    items.push(formatNested(value[i], dtype, indent + 1));
  }
  if (!Array.isArray(value[0])) return `[${items.join(', ')}]`;
  // Blocks of matrices are separated by a blank line, as PyTorch prints them.
  const blank = Array.isArray(value[0][0]) ? '\n' : '';
  return `[${items.join(`,\n${blank}${' '.repeat(indent + 1)}`)}]`;
}

/** `Tensor (2, 3) float32` followed by the (elided) values. */
export function formatTensor(t: TensorLike): string {
  const head = `Tensor (${t.shape.join(', ')}) ${t.dtype}`;
  const body =
    t.shape.length === 0 ? formatScalar(t.toArray(), t.dtype) : formatNested(t.toArray(), t.dtype, 0);
  return `${head}\n${body}`;
}

/** Text for any value a snippet logs or returns: tensors, objects of tensors, arrays, primitives. */
export function formatValue(value: unknown): string {
  if (isTensorLike(value)) return formatTensor(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : formatScalar(value, 'float64');
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length}) [${Array.from(value as unknown as ArrayLike<number>).join(', ')}]`;
  }
  if (Array.isArray(value)) {
    if (value.some(isTensorLike)) return value.map(formatValue).join('\n');
    return JSON.stringify(value);
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.some(([, v]) => isTensorLike(v))) {
      return entries.map(([k, v]) => `${k}: ${formatValue(v)}`).join('\n');
    }
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

/**
 * True for a figure: an SVG document string, as `@attnkit/plot` returns. A snippet shows a figure
 * by logging it (`console.log(await showHeatmaps(…))`); the page draws it instead of printing it.
 */
export function isFigure(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('<svg') && value.trimEnd().endsWith('</svg>');
}

/** One console line: arguments formatted and joined by spaces (as console.log does). */
export function formatArgs(args: readonly unknown[]): string {
  return args.map(formatValue).join(' ');
}
