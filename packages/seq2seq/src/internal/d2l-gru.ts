import { GRU, type GRUOptions, Module } from '@attnkit/layers';
import { type Generator, type Tensor, uniform } from '@attnkit/tensor';

/**
 * D2L's `d2l.GRU` wrapper (a module whose only child is the `nn.GRU` named `rnn`), so the
 * encoder's state-dict keys are D2L's `rnn.rnn.weight_ih_l0`, ….
 */
export class D2LGRU extends Module {
  readonly rnn: GRU;

  constructor(options: GRUOptions) {
    super();
    this.rnn = this.registerModule('rnn', new GRU(options));
  }

  forward(inputs: Tensor, h0?: Tensor): [Tensor, Tensor] {
    return this.rnn.forward(inputs, h0);
  }
}

/**
 * D2L's `init_seq2seq` for a GRU: every weight (not the biases) from Xavier uniform,
 * U(−a, a) with a = √(6 / (fanIn + fanOut)), fanIn = columns, fanOut = rows (3·hiddens).
 */
export function xavierGRUWeights(gru: GRU, rng: Generator | undefined): void {
  const values: Record<string, Tensor> = {};
  for (const [name, p] of gru.namedParameters()) {
    if (!name.startsWith('weight')) continue;
    const [fanOut, fanIn] = p.shape as [number, number];
    const a = Math.sqrt(6 / (fanIn + fanOut));
    const dtype = p.dtype === 'float64' ? 'float64' : 'float32';
    values[name] = uniform(p.shape, -a, a, rng === undefined ? { dtype } : { dtype, rng });
  }
  gru.loadStateDict(values, { strict: false });
}
