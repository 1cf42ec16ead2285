import { plot } from '@attnkit/plot';
import { scaledDotProductAttention } from '@attnkit/scoring';
import { Generator, randn } from '@attnkit/tensor';

function timeIt(fn: () => void, repeats: number): number {
  fn(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(repeats / 2)]!; // median
}

export async function main() {
  // Self-attention costs O(n²·d): doubling the sequence length n should about
  // quadruple the time.
  const rng = new Generator(0);
  const d = 64;
  const lengths = [64, 128, 256, 512];
  const ms: number[] = [];
  for (const n of lengths) {
    const X = randn([1, n, d], { rng });
    ms.push(
      timeIt(
        () => void scaledDotProductAttention(X, X, X).output.toTypedArray(),
        3,
      ),
    );
  }
  console.log('positions      ms   ms/(n²·d)·1e6');
  lengths.forEach((n, i) => {
    console.log(
      `${String(n).padStart(9)} ${ms[i]!.toFixed(2).padStart(7)}   ${((ms[i]! / (n * n * d)) * 1e6).toFixed(3)}`,
    );
  });
  const last = lengths.length - 1;
  const scale = ms[last]! / lengths[last]! ** 2;
  const model = lengths.map((n) => scale * n * n);
  const options = {
    legend: ['measured', 'c·n²'],
    fmts: ['-o', 'k:'],
    xlabel: 'sequence length n',
    ylabel: 'ms',
  };
  console.log(
    await plot(lengths, [ms, model], {
      ...options,
      xscale: 'log',
      yscale: 'log',
    } as const),
  );
}
// expect: positions      ms   ms/(n²·d)·1e6
// expect-figures: 1
