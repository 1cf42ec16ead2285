import type { Tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import type { Elements } from './elements.js';

type Element = number | boolean;

/** The elements of one tensor, each with its own fast-check context; `null` is the anchor (padding). */
type Cells = (fc.Value<Element> | null)[];

interface Context {
  layout: fc.Value<readonly (readonly number[])[]>;
  cells: Cells[];
}

/**
 * Tensors whose shapes come from one `layout` arbitrary (one shape per tensor, e.g. queries, keys,
 * values), shrinking shapes and elements together.
 *
 * `shapes.chain((s) => elementsOf(s))` would shrink poorly: fast-check regenerates the elements for
 * each smaller shape and stops shrinking the shape once it has shrunk an element, so a failing mask
 * of shape (4) with one true element rarely reaches shape (). Here a smaller-shape candidate keeps
 * the elements it still covers (the leading corner, axes aligned right as in broadcasting) and pads
 * new positions with the anchor; then elements shrink one at a time within the current shapes.
 */
export class ShapedTensors extends fc.Arbitrary<Tensor[]> {
  constructor(
    private readonly layout: fc.Arbitrary<readonly (readonly number[])[]>,
    private readonly elements: Elements,
    private readonly build: (shape: readonly number[], values: Element[], index: number) => Tensor,
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<Tensor[]> {
    const layout = this.layout.generate(mrng, biasFactor);
    const cells = layout.value_.map((shape) =>
      Array.from({ length: sizeOf(shape) }, () => this.elements.arbitrary.generate(mrng, biasFactor)),
    );
    return this.toValue(layout, cells);
  }

  canShrinkWithoutContext(value: unknown): value is Tensor[] {
    return false;
  }

  shrink(_value: Tensor[], context: unknown): fc.Stream<fc.Value<Tensor[]>> {
    const { layout, cells } = context as Context;
    return new fc.Stream(this.candidates(layout, cells));
  }

  private *candidates(
    layout: fc.Value<readonly (readonly number[])[]>,
    cells: Cells[],
  ): Generator<fc.Value<Tensor[]>> {
    // Smaller shapes first: they remove the most.
    for (const smaller of this.layout.shrink(layout.value_, layout.context)) {
      const kept = smaller.value_.map((shape, t) => reindex(cells[t] ?? [], layout.value_[t] ?? [], shape));
      yield this.toValue(smaller, kept);
    }
    // Then one element at a time, toward the anchor.
    for (let t = 0; t < cells.length; t++) {
      const tensorCells = cells[t]!;
      for (let i = 0; i < tensorCells.length; i++) {
        const cell = tensorCells[i];
        if (!cell) continue; // padding is already the anchor
        for (const simpler of this.elements.arbitrary.shrink(cell.value_, cell.context)) {
          const next = cells.slice();
          const changed = tensorCells.slice();
          changed[i] = simpler;
          next[t] = changed;
          yield this.toValue(layout, next);
        }
      }
    }
    // Last, move an element that is not the anchor into the first anchor position before it, so
    // the shape shrinks above can then cut it loose from the rest (e.g. [F, F, T] -> [T, F, F] -> T).
    for (let t = 0; t < cells.length; t++) {
      const tensorCells = cells[t]!;
      const first = tensorCells.findIndex((cell) => this.isAnchor(cell));
      if (first < 0) continue;
      for (let i = first + 1; i < tensorCells.length; i++) {
        if (this.isAnchor(tensorCells[i]!)) continue;
        const next = cells.slice();
        const moved = tensorCells.slice();
        moved[first] = tensorCells[i]!;
        moved[i] = tensorCells[first]!;
        next[t] = moved;
        yield this.toValue(layout, next);
      }
    }
  }

  private isAnchor(cell: fc.Value<Element> | null): boolean {
    return cell === null || cell.value_ === this.elements.anchor;
  }

  private toValue(layout: fc.Value<readonly (readonly number[])[]>, cells: Cells[]): fc.Value<Tensor[]> {
    const anchor = this.elements.anchor;
    const tensors = layout.value_.map((shape, t) =>
      this.build(
        shape,
        (cells[t] ?? []).map((cell) => (cell ? cell.value_ : anchor)),
        t,
      ),
    );
    const context: Context = { layout, cells };
    return new fc.Value(tensors, context);
  }
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * The cells of a tensor of shape `from` seen through shape `to`: axes align right, dropped leading
 * axes of `from` are read at index 0, and positions outside `from` become padding (`null`).
 */
function reindex(cells: Cells, from: readonly number[], to: readonly number[]): Cells {
  const out: Cells = new Array(sizeOf(to));
  const lead = from.length - to.length;
  const stride = new Array<number>(from.length);
  for (let b = from.length - 1, s = 1; b >= 0; b--) {
    stride[b] = s;
    s *= from[b]!;
  }
  for (let j = 0; j < out.length; j++) {
    let rest = j;
    let offset = 0;
    let inside = true;
    for (let a = to.length - 1; a >= 0; a--) {
      const i = rest % to[a]!;
      rest = Math.floor(rest / to[a]!);
      const b = a + lead;
      if (b < 0 ? i !== 0 : i >= from[b]!) inside = false;
      else if (b >= 0) offset += i * stride[b]!;
    }
    out[j] = inside ? (cells[offset] ?? null) : null;
  }
  return out;
}
