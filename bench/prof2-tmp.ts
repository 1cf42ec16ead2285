import { Generator, tensor, setNumThreads } from '@attnkit/tensor';
import { AdamW, clipGradNorm, crossEntropy } from '@attnkit/training';
import { TransformerLM } from '@attnkit/transformer';
const threads = Number(process.argv[2] ?? 1);
await setNumThreads(threads);
const model = new TransformerLM({ vocabSize: 90, numHiddens: 64, numHeads: 4, numBlks: 2, ffnNumHiddens: 256, maxLen: 64, dropout: 0, positional: 'rotary', rng: new Generator(0) });
const opt = new AdamW(model.parameters(), { lr: 1e-2, weightDecay: 0.01, betas: [0.9, 0.99] });
const inputs = new Int32Array(16 * 64).map((_, i) => (i * 7919) % 90);
const targets = new Int32Array(16 * 64).map((_, i) => (i * 104729) % 90);
const step = () => { model.zeroGrad(); const loss = crossEntropy(model.forward(tensor(inputs, { shape: [16, 64], dtype: 'int32' })), tensor(targets, { shape: [16, 64], dtype: 'int32' })); loss.backward(); clipGradNorm(model.parameters(), 1); opt.step(); return loss.item(); };
for (let i = 0; i < 5; i++) step();
const ts: number[] = [];
for (let i = 0; i < 41; i++) { const t = performance.now(); step(); ts.push(performance.now() - t); }
ts.sort((a, b) => a - b);
console.log(`threads ${threads}: median step ${ts[20]!.toFixed(1)} ms, p10 ${ts[4]!.toFixed(1)} ms → ${(1024 / ts[20]! * 1000).toFixed(0)} tok/s`);
await setNumThreads(1);
