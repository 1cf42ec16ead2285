/**
 * scijs ndarray views without run-time code generation. `ndarray` compiles one class per dtype and
 * dimension with `new Function` (blocked by a strict Content Security Policy); this file holds the
 * same constructors written once: the empty view (dimension −1), the 0-d view, the views of
 * dimension ≥ 1 (one class whose index arithmetic loops over the rank) and the per-dtype
 * subclasses. Every class is checked against the library itself in ndarray.test.ts (dims 0–8).
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

  /** ndarray's `construct_View<d>d<dtype>`: a view of this class over `data`. */
  static create(
    this: new (
      ...args: never[]
    ) => ViewBase,
    data: Data,
    shape: readonly number[],
    stride: readonly number[],
    offset: number,
  ): View {
    // What `new View<d>d(data, b0, …, c0, …, d)` makes, without spreading the extents through the
    // constructor's arguments (one call per op result; ndarray's constructors copy the first
    // `dimension` entries into fresh arrays).
    // biome-ignore lint/complexity/noThisInStatic: `this` is the per-dtype subclass being constructed.
    const view = Object.create(this.prototype) as View;
    const n = view.dimension;
    view.data = data;
    view.shape = shape.slice(0, n);
    view.stride = stride.slice(0, n);
    view.offset = offset | 0;
    return view;
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
 * Views of dimension ≥ 1: ndarray's per-dimension classes as one, with its index arithmetic as
 * loops over `this.dimension` (the prototype's `dimension`, set per dtype and rank). ndarray
 * unrolls `get`/`set`/`index`/`lo`/`hi`/`step`/`transpose`/`pick` per rank; attnkit's ops never call
 * them (kernels read `data`/`stride`/`offset`), and the unrolled classes cost a `maskedSoftmax`
 * page 0.4 kB gzip. Element access through `get`/`set` is slower than unrolled (docs/decisions/0008).
 */
class ViewNd extends ViewBase {
  constructor(a: Data, ...rest: number[]) {
    super();
    const n = (rest.length - 1) / 2;
    this.data = a;
    this.shape = rest.slice(0, n);
    this.stride = rest.slice(n, 2 * n);
    this.offset = (rest[2 * n] as number) | 0;
  }
  get size(): number {
    let size = this.shape[0]!;
    for (let i = 1; i < this.dimension; i++) size *= this.shape[i]!;
    return size;
  }
  get order(): number[] {
    const s = this.stride;
    if (this.dimension === 2) return Math.abs(s[0]!) > Math.abs(s[1]!) ? [1, 0] : [0, 1];
    if (this.dimension !== 3) return sortedOrder(s);
    // ndarray's 3-d order (ties differ from a stable sort).
    const s0 = Math.abs(s[0]!);
    const s1 = Math.abs(s[1]!);
    const s2 = Math.abs(s[2]!);
    if (s0 > s1) {
      if (s1 > s2) return [2, 1, 0];
      if (s0 > s2) return [1, 2, 0];
      return [1, 0, 2];
    }
    if (s0 > s2) return [2, 0, 1];
    if (s2 > s1) return [0, 1, 2];
    return [0, 2, 1];
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
  hi(...args: unknown[]): ViewNd {
    const shape = this.shape.map((n, i) => {
      const a = args[i];
      return typeof a !== 'number' || a < 0 ? n : a | 0;
    });
    return make(this, shape, this.stride, this.offset);
  }
  lo(...args: unknown[]): ViewNd {
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
  step(...args: unknown[]): ViewNd {
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
  transpose(...args: unknown[]): ViewNd {
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
define(ViewNd, undefined, undefined);

/** The index in `data` of the element at `indices` (NaN where one is missing, as in ndarray). */
function at(view: ViewBase, indices: readonly unknown[]): number {
  let at = view.offset;
  for (let i = 0; i < view.dimension; i++) at += view.stride[i]! * (indices[i] as number);
  return at;
}

/** A view of the same class over the same data. */
function make(view: ViewNd, shape: readonly number[], stride: readonly number[], offset: number): ViewNd {
  return new (view.constructor as new (...args: unknown[]) => ViewNd)(view.data, ...shape, ...stride, offset);
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
        : (ViewNd as unknown as ViewClass);
  // A subclass per dtype, as ndarray has one class per dtype and dimension.
  const C = class extends (Base as unknown as new (...args: never[]) => ViewBase) {};
  const name = dimension === -1 ? `View_Nil${dtype}` : `View${dimension}d${dtype}`;
  Object.defineProperty(C, 'name', { value: name });
  const proto = C.prototype as unknown as Record<string, unknown>;
  proto.dtype = dtype;
  if (Base === (ViewNd as unknown as ViewClass)) {
    proto.dimension = dimension;
    // ndarray's 1-d prototype holds `order` as data, not a getter.
    if (dimension === 1) {
      Object.defineProperty(proto, 'order', {
        value: [0],
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
  }
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
