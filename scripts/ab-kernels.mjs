// Per-kernel A/B of the training step's non-GEMM ops between two built checkouts, in one process,
// interleaved (ABAB…), at the shapes of `attnkit train`'s default model (1024 rows = batch 16 ×
// context 64; 64 hiddens, FFN 256, 90 classes):
//
//   node scripts/ab-kernels.mjs [--base /work/main] [--rounds 7]
//
// Each case runs forward + backward through the public API of both sides (`old`: the base's ops,
// e.g. logSoftmax → gather → … for the loss, linear then relu for the FFN; `new`: this checkout's,
// which may use a fused op). Prints, per case, the median over rounds of time(A)/time(B) (> 1: B
// is faster); calls alternate A, B, A, B and each round compares median call times.
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { base: { type: 'string', default: '/work/main' }, rounds: { type: 'string', default: '7' } },
});
const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rounds = Number(values.rounds);

async function cases(root) {
  const load = (pkg) => import(pathToFileURL(resolve(root, 'packages', pkg, 'dist/index.js')).href);
  const [T, tr, L] = await Promise.all([load('tensor'), load('training'), load('layers')]);
  const rng = new T.Generator(3);
  const x64 = T.randn([16, 64, 64], { rng, requiresGrad: true });
  const ln = new L.LayerNorm({ normalizedShape: 64 });
  const logits = T.randn([16, 64, 90], { rng, requiresGrad: true });
  const targets = T.randint(0, 90, [16, 64], { rng });
  const dense1 = new L.Linear({ inFeatures: 64, outFeatures: 256, rng });
  const fused = T.softmaxCrossEntropy !== undefined; // the base has neither fused op
  const params = Array.from({ length: 20 }, () => new L.Parameter(T.randn([64, 90], { rng })));
  const adam = new tr.AdamW(params, { lr: 1e-3, weightDecay: 0.01 });
  for (const p of params) p.grad = T.randn([64, 90], { rng });
  const backward = (y) => T.sum(y).backward();
  // The LayerNorm kernels alone (dist module paths; no allocation or autograd in the timing).
  const K = await import(pathToFileURL(resolve(root, 'packages/tensor/dist/kernels/layer-norm.js')).href);
  const xv = { data: x64.toTypedArray(), offset: 0, stride: [64, 1] };
  const wv = { data: new Float32Array(64).fill(1.1), offset: 0, stride: [1] };
  const stats = [new Float64Array(1024), new Float64Array(1024)];
  const lnOut = new Float32Array(1024 * 64);
  return {
    'layerNorm kernel fwd (1024×64)': () => K.layerNormKernel(lnOut, ...stats, xv, 1024, 64, wv, wv, 1e-5),
    'layerNorm kernel bwd (1024×64)': () =>
      K.layerNormBackwardKernel(
        lnOut,
        new Float64Array(64),
        new Float64Array(64),
        xv,
        xv,
        ...stats,
        wv,
        1024,
        64,
      ),
    'layerNorm fwd+bwd (1024×64)': () => backward(ln.forward(x64)),
    'crossEntropy fwd+bwd (1024×90)': () => tr.crossEntropy(logits, targets).backward(),
    'FFN dense1 + ReLU fwd+bwd (1024×64→256)': () =>
      backward(fused ? dense1.forward(x64, { activation: 'relu' }) : T.relu(dense1.forward(x64))),
    'AdamW step (20 × 64×90)': () => adam.step(),
    'clipGradNorm (20 × 64×90)': () => tr.clipGradNorm(params, 1e9),
  };
}

const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
const a = await cases(resolve(values.base));
const b = await cases(here);
for (const name of Object.keys(b)) {
  // Calls alternate A, B, A, B…; the ratio is of the median call times (robust to load spikes).
  const ratios = [];
  for (let r = 0; r < rounds; r++) {
    const ta = [];
    const tb = [];
    for (let i = 0; i < 30; i++) {
      let t0 = performance.now();
      a[name]();
      ta.push(performance.now() - t0);
      t0 = performance.now();
      b[name]();
      tb.push(performance.now() - t0);
    }
    ratios.push(median(ta) / median(tb));
  }
  console.log(
    `${name}: A/B ${median(ratios).toFixed(2)} (rounds ${ratios.map((x) => x.toFixed(2)).join(' ')})`,
  );
}
process.exit(0);
