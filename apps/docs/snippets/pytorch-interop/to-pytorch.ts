import { Generator, narrow, reshape, tensor } from '@attnkit/tensor';
import {
  AdamW,
  crossEntropy,
  fit,
  randomWindows,
  serializeSafetensors,
  Vocab,
} from '@attnkit/training';
import { TransformerLM } from '@attnkit/transformer';

const text =
  'call me ishmael. some years ago - never mind how long precisely - having little money, '.repeat(
    6,
  );

/** Trains a small TransformerLM in attnkit; returns it as safetensors bytes. */
export async function trainAndSave(): Promise<Uint8Array> {
  // Train a small model in attnkit (a few seconds here) …
  const rng = new Generator(0);
  const vocab = Vocab.fromText(text);
  const lm = new TransformerLM({
    vocabSize: vocab.size,
    numHiddens: 32,
    numHeads: 2,
    numBlks: 1,
    ffnNumHiddens: 64,
    maxLen: 32,
    rng,
  });
  await fit({
    model: lm,
    optimizer: new AdamW(lm.parameters(), { lr: 1e-2 }),
    data: randomWindows(vocab.encode(text), {
      contextLength: 16,
      batchSize: 8,
      rng,
    }),
    steps: 60,
    signal: AbortSignal.timeout(3000),
    lossFn: (model, { inputs, targets }) =>
      crossEntropy(
        model.forward(inputs).reshape([-1, vocab.size]),
        targets.reshape([-1]),
      ),
  });
  lm.eval();

  // … and save it with its config, vocabulary and a reference output for
  // PyTorch to check.
  const prompt = vocab.encode('call me ');
  const logits = lm.forward(
    tensor(prompt, { shape: [1, prompt.length], dtype: 'int32' }),
  );
  const last = reshape(narrow(logits, 1, prompt.length - 1, 1), [vocab.size]);
  const bytes = serializeSafetensors(lm.stateDict(), {
    config: JSON.stringify(lm.config),
    vocab: JSON.stringify(vocab.tokens),
    prompt: 'call me ',
    logits: JSON.stringify(Array.from(last.toTypedArray())),
  });
  console.log(
    'state-dict keys:',
    Object.keys(lm.stateDict()).slice(0, 3).join(', '),
    '…',
  );
  return bytes;
}

export async function main() {
  const bytes = await trainAndSave();
  // In Node, write the file with `writeFile('tiny-lm-attnkit.safetensors',
  // bytes)` (or
  // `saveSafetensors` from '@attnkit/training/node') and run
  // torch_from_attnkit.py on it.
  return `safetensors: ${bytes.byteLength} bytes for PyTorch`;
}
// expect: state-dict keys: embedding.weight, blks.0.ln1.weight, blks.0.ln1.bias …
// expect: bytes for PyTorch
