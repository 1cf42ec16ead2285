import { MultiHeadAttention } from '@attnkit/multihead';
import { abs, Generator, max, randn, sub } from '@attnkit/tensor';
import { parseSafetensors, serializeSafetensors } from '@attnkit/training';

export function main() {
  const rng = new Generator(0);
  const options = { numHiddens: 8, numHeads: 2, bias: true };
  const attention = new MultiHeadAttention({
    ...options,
    querySize: 8,
    keySize: 8,
    valueSize: 8,
    rng,
  }).eval();

  // State-dict keys are D2L's PyTorch names, so `model.state_dict()` files load
  // unchanged.
  const state = attention.stateDict();
  for (const [key, value] of Object.entries(state))
    console.log(key.padEnd(10), value.shape);

  // Save as safetensors (what torch's safetensors.torch.save_file writes) …
  const bytes = serializeSafetensors(state, { format: 'pt' });
  console.log('safetensors bytes:', bytes.byteLength);

  // … and load into a fresh module: the outputs agree exactly.
  const { tensors } = parseSafetensors(bytes);
  const copy = new MultiHeadAttention({
    ...options,
    rng: new Generator(1),
  }).eval();
  copy.loadStateDict(tensors);
  const X = randn([1, 5, 8], { rng });
  const diff = max(
    abs(sub(attention.forward(X, X, X), copy.forward(X, X, X))),
  ).item();
  return `max difference after the round trip: ${diff}`;
}
// expect: W_q.weight [8,8]
// expect: W_o.bias   [8]
// expect: max difference after the round trip: 0
