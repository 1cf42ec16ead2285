import { shapeSize } from '../shape.js';
import { wasmHeap, wasmLocalKernels } from '../wasm/instance.js';
import { type ArithmeticOp, arithmeticKernel } from './arithmetic.js';
import { isConstant, isRowMajor } from './binary.js';

/** Fewer elements than this stay in JavaScript (the copies in and out and the call dominate). */
const SMALL = 4096;
/** More elements than this stay in JavaScript: the instance memory never shrinks (64 MB of staging). */
const LARGE = 1 << 23;

const OP_CODE: Record<ArithmeticOp, number> = { add: 0, sub: 1, mul: 2, div: 3 };

/**
 * The `arithmetic` of the `wasm` backend: float32 operands of the same contiguous layout (residual
 * adds, gradient accumulation in `backward`) are copied into the instance memory and combined four
 * floats at a time (src/wasm/sgemm.wat `arithmeticFlat`), bit-identical to
 * {@link arithmeticKernel} but for NaN payloads: a float32 +, −, × or ÷ computed in float64 and
 * rounded once is the IEEE float32 result. V8 converts every Float32Array element to float64
 * and back, so the JavaScript loop costs ~1.8 ns per element against ~0.4 for the copies and the
 * SIMD loop. An operand broadcast from one element (every stride 0) is filled in. Other
 * broadcasts, strided views, other dtypes and small or huge sizes take the JavaScript kernel.
 */
export const wasmArithmetic: typeof arithmeticKernel = (op, out, shape, a, b) => {
  const n = shapeSize(shape);
  const aConstant = isConstant(a.stride);
  const bConstant = isConstant(b.stride);
  const wasm =
    n >= SMALL &&
    n <= LARGE &&
    out instanceof Float32Array &&
    a.data instanceof Float32Array &&
    b.data instanceof Float32Array &&
    (aConstant || isRowMajor(shape, a.stride)) &&
    (bConstant || isRowMajor(shape, b.stride))
      ? wasmLocalKernels()
      : null;
  if (wasm === null) {
    arithmeticKernel(op, out, shape, a, b);
    return;
  }
  const yAt = (n + 3) & ~3;
  const heap = wasmHeap(wasm, yAt + n);
  // A broadcast scalar (x · √d, the scalar gradients of a loss) is filled in, not copied.
  if (aConstant) heap.fill(a.data[a.offset]!, 0, n);
  else heap.set(a.data.subarray(a.offset, a.offset + n), 0);
  if (bConstant) heap.fill(b.data[b.offset]!, yAt, yAt + n);
  else heap.set(b.data.subarray(b.offset, b.offset + n), yAt);
  wasm.arithmeticFlat(OP_CODE[op], 0, yAt * 4, n);
  out.set(heap.subarray(0, n));
};
