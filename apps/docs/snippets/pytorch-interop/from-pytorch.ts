import {
  abs,
  Generator,
  max,
  narrow,
  reshape,
  sub,
  tensor,
} from '@attnkit/tensor';
import { parseSafetensors, Vocab } from '@attnkit/training';
import { TransformerLM } from '@attnkit/transformer';

export async function main() {
  // The checkpoint pytorch_lm.py trained and saved (served by the docs site
  // next to this page).
  const response = await fetch('/checkpoints/tiny-lm.safetensors');
  const { tensors, metadata } = parseSafetensors(
    new Uint8Array(await response.arrayBuffer()),
  );
  console.log(metadata.trained);

  // Same config names and state-dict keys: rebuild the model and load PyTorch's
  // weights.
  const lm = TransformerLM.fromConfig(JSON.parse(metadata.config!)).eval();
  lm.loadStateDict(tensors);
  const vocab = new Vocab(JSON.parse(metadata.vocab!));
  console.log(
    'parameters:',
    Object.keys(tensors).length,
    'tensors, vocabulary of',
    vocab.size,
  );

  // The logits of the prompt's last position match the ones PyTorch computed.
  const prompt = vocab.encode(metadata.prompt!);
  const logits = lm.forward(
    tensor(prompt, { shape: [1, prompt.length], dtype: 'int32' }),
  );
  const last = reshape(narrow(logits, 1, prompt.length - 1, 1), [vocab.size]);
  const diff = max(abs(sub(last, tensor(JSON.parse(metadata.logits!))))).item();
  console.log(
    `max |attnkit − PyTorch| on the logits: ${diff.toExponential(1)}`,
  );
  console.log('matches PyTorch:', diff < 1e-4);

  // Sample a continuation in the browser.
  const ids = lm.generate(prompt, {
    maxNewTokens: 80,
    temperature: 0.7,
    rng: new Generator(0),
  });
  return vocab.decode(ids);
}
// expect: PyTorch
// expect: matches PyTorch: true
// expect: the whale
