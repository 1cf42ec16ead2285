import {
  abs,
  Generator,
  getNumThreads,
  matmul,
  max,
  randn,
  setNumThreads,
  sub,
  threadsUnavailableReason,
} from '@attnkit/tensor';

export async function main() {
  const threads = await setNumThreads(2); // resolves once the worker is ready
  console.log(`threads in use: ${threads}`);
  if (threads < 2) console.log('why:', threadsUnavailableReason());

  const rng = new Generator(0);
  const a = randn([256, 512], { rng });
  const b = randn([512, 256], { rng });
  // 2²⁵ multiply-adds: rows split over both threads, still synchronous
  const split = matmul(a, b);

  await setNumThreads(1); // stops the worker
  console.log('after setNumThreads(1):', getNumThreads());
  const single = matmul(a, b);
  console.log(
    `max |2 threads − 1 thread| < 1e-6: ${max(abs(sub(split, single))).item() < 1e-6}`,
  );
}
// expect: threads in use: 2
// expect: after setNumThreads(1): 1
// expect: max |2 threads − 1 thread| < 1e-6: true
