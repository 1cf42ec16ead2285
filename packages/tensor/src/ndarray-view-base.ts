/**
 * scijs ndarray views without run-time code generation. `ndarray` compiles one class per dtype and
 * dimension with `new Function` (blocked by a strict Content Security Policy); here the classes of
 * dimensions 1–4 are written out once by scripts/generate-ndarray.mjs (ndarray-views.generated.ts),
 * and this file holds the rest of the library's constructors: the empty view (dimension −1), the
 * 0-d view, the view-making methods of every dimension ≥ 1 as loops (`ViewLoops`), views of
 * dimension ≥ 5 (loops instead of unrolled arithmetic: they are rare, and unrolling them cost a
 * page 1 kB gzip) and the per-dtype classes. Every class is checked against the library itself in ndarray.test.ts.
 */

/** Storage a view indexes: a typed array, a Node Buffer or a plain array. */
export type Data = { [index: number]: unknown; readonly length: number };

/** What ndarray's constructor list holds: `(data, shape, stride, offset) => view`. */
export type Construct = (
  data: Data,
  shape: readonly number[],
  stride: readonly number[],
  offset: number,
) => View;

/** Members every view has (the prototype supplies dtype and dimension). */
export abstract class ViewBase {
  declare data: Data;
  declare shape: number[];
  declare stride: number[];
  declare offset: number;
  declare readonly dtype: string;
  declare readonly dimension: number;

  /** ndarray's `construct_View<d>d<dtype>`: positional shape and stride arguments. */
  static create(
    this: new (
      ...args: never[]
    ) => ViewBase,
    data: Data,
    shape: readonly number[],
    stride: readonly number[],
    offset: number,
  ): View {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the per-dtype subclass being constructed.
    const C = this as unknown as new (...args: unknown[]) => View;
    // Positional calls for the common ranks: a spread call costs an iterator and an array per view.
    switch (shape.length) {
      case 1:
        return new C(data, shape[0], stride[0], offset);
      case 2:
        return new C(data, shape[0], shape[1], stride[0], stride[1], offset);
      case 3:
        return new C(data, shape[0], shape[1], shape[2], stride[0], stride[1], stride[2], offset);
      case 4:
        return new C(
          data,
          shape[0],
          shape[1],
          shape[2],
          shape[3],
          stride[0],
          stride[1],
          stride[2],
          stride[3],
          offset,
        );
      default:
        return new C(data, ...shape, ...stride, offset);
    }
  }
}

type View = ViewBase & Record<string, unknown>;
type ViewClass = (abstract new (...args: never[]) => ViewBase) & { create: Construct };

/** ndarray's `order()` for dimension ≥ 4: axes sorted by increasing |stride| (a stable sort). */
export function sortedOrder(stride: readonly number[]): number[] {
  const terms = stride.map((s, i) => [Math.abs(s), i] as const);
  terms.sort((a, b) => a[0] - b[0]);
  return terms.map((t) => t[1]);
}

/**
 * Gives a view class ndarray's prototype: `dimension` (and `order` where it is a constant) as plain
 * data properties, and every method enumerable (ndarray assigns them); `size` and `order` getters
 * stay non-enumerable (ndarray defines them with Object.defineProperty).
 */
export function define(
  View: { prototype: object },
  dimension: number | undefined,
  order: readonly number[] | undefined,
  extra: Record<string, unknown> = {},
): void {
  const proto = View.prototype as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name)!;
    if (name === 'constructor' || descriptor.get !== undefined) continue;
    Object.defineProperty(proto, name, { ...descriptor, enumerable: true });
  }
  if (dimension !== undefined) proto.dimension = dimension;
  if (order !== undefined) proto.order = order;
  Object.assign(proto, extra);
}

/** ndarray's `View_Nil<dtype>`: what `pick()` of a 0-d view returns. */
class ViewNil {
  declare data: Data;
  constructor(a: Data) {
    this.data = a;
  }
  static create(this: new (a: Data) => ViewNil, data: Data): ViewNil {
    return new this(data);
  }
  index(): number {
    return -1;
  }
  copy(): ViewNil {
    return new (this.constructor as typeof ViewNil)(this.data);
  }
  get(): void {}
  pick(): null {
    return null;
  }
}
{
  const empty: number[] = [];
  const proto = ViewNil.prototype as unknown as Record<string, unknown>;
  define(ViewNil, -1, undefined, { size: 0, shape: empty, stride: empty, order: empty });
  proto.lo = proto.hi = proto.transpose = proto.step = proto.copy;
  proto.set = proto.get;
  delete proto.copy;
}

/** ndarray's `View0d<dtype>`: one element at `offset`. */
class View0d extends ViewBase {
  constructor(a: Data, d: number) {
    super();
    this.data = a;
    this.offset = d;
  }
  static override create(
    this: new (
      a: Data,
      d: number,
    ) => View0d,
    data: Data,
    _shape: readonly number[],
    _stride: readonly number[],
    offset: number,
  ): View {
    return new this(data, offset) as unknown as View;
  }
  index(): number {
    return this.offset;
  }
  copy(): View0d {
    return new (this.constructor as typeof View0d)(this.data, this.offset);
  }
  pick(): unknown {
    return constructorFor(this.dtype, -1)(this.data, [], [], 0);
  }
  get(): unknown {
    return this.data[this.offset];
  }
  set(v: unknown): unknown {
    this.data[this.offset] = v;
    return v;
  }
}
{
  const empty: number[] = [];
  const proto = View0d.prototype as unknown as Record<string, unknown>;
  define(View0d, 0, undefined, { size: 1, shape: empty, stride: empty, order: empty });
  proto.lo = proto.hi = proto.transpose = proto.step = proto.copy;
  Object.defineProperty(proto, 'valueOf', {
    value: proto.get,
    writable: true,
    enumerable: true,
    configurable: true,
  });
  delete proto.copy;
}

/**
 * The view-making methods of every view of dimension ≥ 1 (`hi`, `lo`, `step`, `transpose`, `pick`)
 * as loops over `this.dimension`: ndarray unrolls them per dimension, but they make a view (not read
 * an element), so the loops cost little and keep a page 1.3 kB gzip smaller. The element accessors
 * (`get`, `set`, `index`) stay unrolled in the generated classes.
 */
export class ViewLoops extends ViewBase {
  hi(...args: unknown[]): ViewLoops {
    const shape = this.shape.map((n, i) => {
      const a = args[i];
      return typeof a !== 'number' || a < 0 ? n : a | 0;
    });
    return make(this, shape, this.stride, this.offset);
  }
  lo(...args: unknown[]): ViewLoops {
    let b = this.offset;
    const shape = this.shape.slice();
    for (let i = 0; i < this.dimension; i++) {
      const a = args[i];
      if (typeof a === 'number' && a >= 0) {
        const d = a | 0;
        b += this.stride[i]! * d;
        shape[i]! -= d;
      }
    }
    return make(this, shape, this.stride, b);
  }
  step(...args: unknown[]): ViewLoops {
    const shape = this.shape.slice();
    const stride = this.stride.slice();
    let c = this.offset;
    for (let i = 0; i < this.dimension; i++) {
      const a = args[i];
      if (typeof a === 'number') {
        const d = a | 0;
        if (d < 0) {
          c += stride[i]! * (shape[i]! - 1);
          shape[i] = Math.ceil(-shape[i]! / d);
        } else {
          shape[i] = Math.ceil(shape[i]! / d);
        }
        stride[i]! *= d;
      }
    }
    return make(this, shape, stride, c);
  }
  transpose(...args: unknown[]): ViewLoops {
    const axes = this.shape.map((_, i) => (args[i] === undefined ? i : (args[i] as number) | 0));
    return make(
      this,
      axes.map((t) => this.shape[t] as number),
      axes.map((t) => this.stride[t] as number),
      this.offset,
    );
  }
  pick(...args: unknown[]): unknown {
    const a: number[] = [];
    const b: number[] = [];
    let c = this.offset;
    for (let i = 0; i < this.dimension; i++) {
      const p = args[i];
      if (typeof p === 'number' && p >= 0) c = (c + this.stride[i]! * p) | 0;
      else {
        a.push(this.shape[i]!);
        b.push(this.stride[i]!);
      }
    }
    return constructorFor(this.dtype, a.length)(this.data, a, b, c);
  }
}
define(ViewLoops, undefined, undefined);

/** Views of dimension ≥ 5: the generated classes' index arithmetic as loops over `this.dimension`. */
class ViewNd extends ViewLoops {
  constructor(a: Data, ...rest: number[]) {
    super();
    const n = (rest.length - 1) / 2;
    this.data = a;
    this.shape = rest.slice(0, n);
    this.stride = rest.slice(n, 2 * n);
    this.offset = (rest[2 * n] as number) | 0;
  }
  get size(): number {
    let size = 1;
    for (let i = 0; i < this.dimension; i++) size *= this.shape[i]!;
    return size;
  }
  get order(): number[] {
    return sortedOrder(this.stride);
  }
  set(...args: unknown[]): unknown {
    const v = args[this.dimension];
    this.data[at(this, args)] = v;
    return v;
  }
  get(...args: unknown[]): unknown {
    return this.data[at(this, args)];
  }
  index(...args: unknown[]): number {
    return at(this, args);
  }
}
define(ViewNd, undefined, undefined);

/** The index in `data` of the element at `indices` (NaN where one is missing, as in ndarray). */
function at(view: ViewBase, indices: readonly unknown[]): number {
  let at = view.offset;
  for (let i = 0; i < view.dimension; i++) at += view.stride[i]! * (indices[i] as number);
  return at;
}

/** A view of the same class over the same data. */
function make(
  view: ViewLoops,
  shape: readonly number[],
  stride: readonly number[],
  offset: number,
): ViewLoops {
  return new (view.constructor as new (...args: unknown[]) => ViewLoops)(
    view.data,
    ...shape,
    ...stride,
    offset,
  );
}

/** The generated classes by dimension (1–4), set once by ndarray.ts. */
let generated: readonly (ViewClass | undefined)[] = [];

/** Hands over the classes of ndarray-views.generated.ts (kept apart so that neither file imports the other). */
export function useGeneratedViews(classes: readonly (ViewClass | undefined)[]): void {
  generated = classes;
}

/** Per dtype, the construct function of each dimension + 1 (ndarray's CACHED_CONSTRUCTORS). */
const cache = new Map<string, Construct[]>();

/** The construct function of views of `dimension` axes over storage of `dtype`, made once. */
export function constructorFor(dtype: string, dimension: number): Construct {
  let list = cache.get(dtype);
  if (list === undefined) {
    list = [];
    cache.set(dtype, list);
  }
  const made = list[dimension + 1];
  if (made !== undefined) return made;
  const Base: ViewClass =
    dimension === -1
      ? (ViewNil as unknown as ViewClass)
      : dimension === 0
        ? (View0d as unknown as ViewClass)
        : (generated[dimension] ?? (ViewNd as unknown as ViewClass));
  // A subclass per dtype, as ndarray has one class per dtype and dimension.
  const C = class extends (Base as unknown as new (...args: never[]) => ViewBase) {};
  const name = dimension === -1 ? `View_Nil${dtype}` : `View${dimension}d${dtype}`;
  Object.defineProperty(C, 'name', { value: name });
  const proto = C.prototype as unknown as Record<string, unknown>;
  proto.dtype = dtype;
  if (Base === (ViewNd as unknown as ViewClass)) proto.dimension = dimension;
  const construct: Construct = (data, shape, stride, offset) =>
    (C as unknown as ViewClass).create(data, shape, stride, offset);
  list[dimension + 1] = construct;
  return construct;
}

/** ndarray's `arrayDType`: the dtype name of a view over `data`. */
export function arrayDType(data: unknown): string {
  // is-buffer: a Node Buffer (or a polyfill) says so through its constructor.
  const ctor = (data as { constructor?: { isBuffer?: (x: unknown) => boolean } } | null)?.constructor;
  if (data != null && typeof ctor?.isBuffer === 'function' && ctor.isBuffer(data)) return 'buffer';
  switch (Object.prototype.toString.call(data)) {
    case '[object Float64Array]':
      return 'float64';
    case '[object Float32Array]':
      return 'float32';
    case '[object Float16Array]':
      return 'float16';
    case '[object Int8Array]':
      return 'int8';
    case '[object Int16Array]':
      return 'int16';
    case '[object Int32Array]':
      return 'int32';
    case '[object Uint8Array]':
      return 'uint8';
    case '[object Uint16Array]':
      return 'uint16';
    case '[object Uint32Array]':
      return 'uint32';
    case '[object Uint8ClampedArray]':
      return 'uint8_clamped';
    case '[object BigInt64Array]':
      return 'bigint64';
    case '[object BigUint64Array]':
      return 'biguint64';
  }
  return Array.isArray(data) ? 'array' : 'generic';
}
