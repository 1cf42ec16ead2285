import { Generator, tensor, setNumThreads } from '@attnkit/tensor';
import { AdamW, clipGradNorm, crossEntropy } from '@attnkit/training';
import { TransformerLM } from '@attnkit/transformer';
const threads = Number(process.argv[2] ?? 1);
await setNumThreads(threads);
const model = new TransformerLM({ vocabSize: 96, numHiddens: 128, numHeads: 4, numBlks: 2, ffnNumHiddens: 512, maxLen: 64, dropout: 0, positional: 'sinusoidal', dtype: 'float32', rng: new Generator(0) });
const opt = new AdamW(model.parameters(), { lr: 3e-3, weightDecay: 0.01 });
const inputs = new Int32Array(16 * 64).map((_, i) => (i * 7919) % 96);
const targets = new Int32Array(16 * 64).map((_, i) => (i * 104729) % 96);
const step = () => { model.zeroGrad(); const loss = crossEntropy(model.forward(tensor(inputs, { shape: [16, 64], dtype: 'int32' })), tensor(targets, { shape: [16, 64], dtype: 'int32' })); loss.backward(); clipGradNorm(model.parameters(), 1); opt.step(); return loss.item(); };
for (let i = 0; i < 3; i++) step();
const ts: number[] = [];
for (let i = 0; i < 15; i++) { const t = performance.now(); step(); ts.push(performance.now() - t); }
ts.sort((a, b) => a - b);
console.log(`threads ${threads}: median step ${ts[7]!.toFixed(1)} ms`);
await setNumThreads(1);
