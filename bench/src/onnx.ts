/**
 * A minimal ONNX model writer: just enough protobuf (varints, length-delimited fields, packed
 * int64s) to describe the tiny graphs the ONNX Runtime peers run — MatMul, and attention as
 * MatMul → Mul(scale) → (Add mask) → Softmax → MatMul. Field numbers come from onnx/onnx.proto3.
 */

/** Protobuf wire types. */
const VARINT = 0;
const I32 = 5;
const LEN = 2;

/** ONNX TensorProto.DataType. */
export const FLOAT = 1;

class Writer {
  readonly bytes: number[] = [];

  varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }

  int(field: number, value: number): this {
    return this.tag(field, VARINT).varint(value);
  }

  float(field: number, value: number): this {
    this.tag(field, I32);
    const b = new Uint8Array(new Float32Array([value]).buffer);
    this.bytes.push(...b);
    return this;
  }

  raw(field: number, data: Uint8Array | number[]): this {
    this.tag(field, LEN).varint(data.length);
    for (let i = 0; i < data.length; i++) this.bytes.push(data[i]!);
    return this;
  }

  string(field: number, value: string): this {
    return this.raw(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.raw(field, inner.bytes);
  }

  packedInts(field: number, values: readonly number[]): this {
    const inner = new Writer();
    for (const v of values) inner.varint(v);
    return this.raw(field, inner.bytes);
  }
}

/** One graph node: `op(inputs) -> outputs` with int, float or int-list attributes. */
export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, number | number[] | { float: number }>;
}

/** A float32 constant. */
export interface OnnxInitializer {
  name: string;
  dims: number[];
  data: Float32Array;
}

/** A graph input or output: float32 of a fixed shape. */
export interface OnnxValue {
  name: string;
  dims: number[];
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  initializers?: OnnxInitializer[];
}

function valueInfo(w: Writer, v: OnnxValue): void {
  w.string(1, v.name); // ValueInfoProto.name
  w.message(2, (type) =>
    // TypeProto.tensor_type
    type.message(1, (t) => {
      t.int(1, FLOAT); // elem_type
      t.message(2, (shape) => {
        for (const d of v.dims) shape.message(1, (dim) => dim.int(1, d)); // dim.dim_value
      });
    }),
  );
}

function attribute(w: Writer, name: string, value: number | number[] | { float: number }): void {
  w.string(1, name);
  if (Array.isArray(value)) {
    for (const v of value) w.int(8, v); // ints (unpacked, as onnx writes them)
    w.int(20, 7); // AttributeType.INTS
  } else if (typeof value === 'number') {
    w.int(3, value); // i
    w.int(20, 2); // AttributeType.INT
  } else {
    w.float(2, value.float); // f
    w.int(20, 1); // AttributeType.FLOAT
  }
}

/** Serialises `graph` as an ONNX ModelProto (IR version 8, default-domain opset 17). */
export function encodeModel(graph: OnnxGraph): Uint8Array {
  const w = new Writer();
  w.int(1, 8); // ir_version
  w.string(2, 'attnkit-bench'); // producer_name
  w.message(7, (g) => {
    graph.nodes.forEach((node, i) => {
      g.message(1, (n) => {
        for (const x of node.inputs) n.string(1, x);
        for (const y of node.outputs) n.string(2, y);
        n.string(3, `${node.op}_${i}`);
        n.string(4, node.op);
        for (const [name, value] of Object.entries(node.attributes ?? {})) {
          n.message(5, (a) => attribute(a, name, value));
        }
      });
    });
    g.string(2, 'bench');
    for (const init of graph.initializers ?? []) {
      g.message(5, (t) => {
        t.packedInts(1, init.dims);
        t.int(2, FLOAT);
        t.string(8, init.name);
        t.raw(9, new Uint8Array(init.data.buffer, init.data.byteOffset, init.data.byteLength));
      });
    }
    for (const v of graph.inputs) g.message(11, (m) => valueInfo(m, v));
    for (const v of graph.outputs) g.message(12, (m) => valueInfo(m, v));
  });
  w.message(8, (o) => o.string(1, '').int(2, 17)); // opset_import: domain '', version 17
  return new Uint8Array(w.bytes);
}

/** `C = A·B` for A `(m, k)` and B `(k, n)`. */
export function matmulModel(m: number, k: number, n: number): Uint8Array {
  return encodeModel({
    nodes: [{ op: 'MatMul', inputs: ['A', 'B'], outputs: ['C'] }],
    inputs: [
      { name: 'A', dims: [m, k] },
      { name: 'B', dims: [k, n] },
    ],
    outputs: [{ name: 'C', dims: [m, n] }],
  });
}

/**
 * softmax(scale·Q·Kᵀ + mask)·V for Q, K, V `(batch, heads, L, d)`; with `causal` the mask is an
 * additive `(L, L)` initializer (0 on and below the diagonal, −∞ above).
 */
export function attentionModel(
  batch: number,
  heads: number,
  L: number,
  d: number,
  causal: boolean,
): Uint8Array {
  const dims = [batch, heads, L, d];
  const nodes: OnnxNode[] = [
    { op: 'Transpose', inputs: ['K'], outputs: ['Kt'], attributes: { perm: [0, 1, 3, 2] } },
    { op: 'MatMul', inputs: ['Q', 'Kt'], outputs: ['S'] },
    { op: 'Mul', inputs: ['S', 'scale'], outputs: ['Ss'] },
  ];
  const initializers: OnnxInitializer[] = [
    { name: 'scale', dims: [], data: new Float32Array([1 / Math.sqrt(d)]) },
  ];
  let logits = 'Ss';
  if (causal) {
    initializers.push({ name: 'mask', dims: [L, L], data: causalAdditiveMask(L) });
    nodes.push({ op: 'Add', inputs: ['Ss', 'mask'], outputs: ['Sm'] });
    logits = 'Sm';
  }
  nodes.push({ op: 'Softmax', inputs: [logits], outputs: ['P'], attributes: { axis: -1 } });
  nodes.push({ op: 'MatMul', inputs: ['P', 'V'], outputs: ['O'] });
  return encodeModel({
    nodes,
    inputs: [
      { name: 'Q', dims },
      { name: 'K', dims },
      { name: 'V', dims },
    ],
    outputs: [{ name: 'O', dims }],
    initializers,
  });
}

/** `(L, L)` additive causal mask: 0 where key ≤ query, −∞ above the diagonal. */
export function causalAdditiveMask(L: number): Float32Array {
  const mask = new Float32Array(L * L);
  for (let i = 0; i < L; i++) for (let j = i + 1; j < L; j++) mask[i * L + j] = Number.NEGATIVE_INFINITY;
  return mask;
}
