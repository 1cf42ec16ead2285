import { matmul, randn, setNumThreads, fusedAttention, transpose, sum } from '@attnkit/tensor';
const med = (f: () => unknown, reps = 7) => { f(); f(); const ts: number[] = []; for (let r = 0; r < reps; r++) { const t = performance.now(); f(); ts.push(performance.now() - t); } ts.sort((x, y) => x - y); return ts[reps >> 1]!; };
const q = randn([2, 8, 512, 64]);
const qs = randn([16, 4, 128, 32]); const ks = randn([16, 4, 128, 32]);
const qg = randn([2, 8, 512, 64]); qg.requiresGrad = true;
for (const n of [1, 2]) {
  await setNumThreads(n);
  const fwd = med(() => fusedAttention(q, q, q));
  const causal = med(() => fusedAttention(q, q, q, { isCausal: true }));
  const bwd = med(() => { qg.grad = null; sum(fusedAttention(qg, qg, qg)).backward(); }, 3);
  const bmm = med(() => matmul(qs, transpose(ks, 2, 3)), 15);
  console.log(`threads ${n}: fused fwd L512 ${fwd.toFixed(1)} ms, causal ${causal.toFixed(1)} ms, fwd+bwd ${bwd.toFixed(1)} ms; per-head QK^T (64×128×32×128) ${bmm.toFixed(2)} ms = ${(2 * 64 * 128 * 128 * 32 / bmm / 1e6).toFixed(1)} GFLOP/s`);
}
await setNumThreads(1);
