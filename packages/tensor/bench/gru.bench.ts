/**
 * One GRU layer's recurrence, forward + backward through time, in GFLOP/s (counting the per-step
 * hidden product 2·batch·hiddens·3·hiddens forward and twice that backward): `gruRecurrence` (one
 * product and one fused gate loop per step, hand-written BPTT) against the same recurrence
 * written per step from attnkit's differentiable ops (linear, narrow, add, sigmoid, tanh, mul, sub
 * — about 15 recorded ops per step, the composite the fused op replaces), timed in the same run.
 */
import {
  add,
  gruRecurrence,
  linear,
  mul,
  narrow,
  reshape,
  sigmoid,
  stack,
  sub,
  sum,
  type Tensor,
  tanh,
  tensor,
} from '../src/index.js';
import { compare, fillValues, type Row, type Suite, sink } from './harness.js';

/** The recurrence from elementary ops, step by step (what `gruRecurrence` fuses). */
function composite(xGates: Tensor, h0: Tensor, weight: Tensor, bias: Tensor): Tensor {
  const [steps, batch] = xGates.shape as [number, number, number];
  const h = h0.shape[1]!;
  let state = h0;
  const outputs: Tensor[] = [];
  for (let t = 0; t < steps; t++) {
    const x = reshape(narrow(xGates, 0, t, 1), [batch, 3 * h]);
    const hg = linear(state, weight, bias);
    const r = sigmoid(add(narrow(x, 1, 0, h), narrow(hg, 1, 0, h)));
    const z = sigmoid(add(narrow(x, 1, h, h), narrow(hg, 1, h, h)));
    const n = tanh(add(narrow(x, 1, 2 * h, h), mul(r, narrow(hg, 1, 2 * h, h))));
    state = add(mul(sub(1, z), n), mul(z, state));
    outputs.push(state);
  }
  return stack(outputs, 0);
}

async function layer(steps: number, batch: number, hiddens: number): Promise<Row> {
  const leaf = (n: number, shape: number[], seed: number, scale: number): Tensor =>
    tensor(
      fillValues(n, seed).map((v) => v * scale),
      { shape, requiresGrad: true },
    );
  const xGates = leaf(steps * batch * 3 * hiddens, [steps, batch, 3 * hiddens], 1, 1);
  const h0 = leaf(batch * hiddens, [batch, hiddens], 2, 0.5);
  const weight = leaf(3 * hiddens * hiddens, [3 * hiddens, hiddens], 3, 1 / Math.sqrt(hiddens));
  const bias = leaf(3 * hiddens, [3 * hiddens], 4, 0.1);
  const run = (f: (x: Tensor, s: Tensor, w: Tensor, b: Tensor) => Tensor) => () => {
    for (const p of [xGates, h0, weight, bias]) p.grad = null;
    sum(f(xGates, h0, weight, bias)).backward();
    sink.value += weight.grad!.nd.data[1]!;
  };
  const flops = 3 * 2 * steps * batch * hiddens * 3 * hiddens;
  return compare(
    `gruRecurrence fwd+bwd: steps=${steps} batch=${batch} hiddens=${hiddens}`,
    { steps, batch, hiddens },
    flops,
    1e9,
    run(gruRecurrence),
    { name: 'per-step composite of attnkit ops', fn: run(composite) },
  );
}

/** GRU layers of the sizes of D2L §10.4 and of a G2P model. */
export async function gruSuite(): Promise<Suite> {
  return {
    name: 'gru',
    unit: 'GFLOP/s',
    rows: [await layer(10, 64, 32), await layer(20, 128, 256)],
  };
}
