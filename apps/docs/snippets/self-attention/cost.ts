import { scaledDotProductAttention } from '@attnkit/scoring';
import { Generator, randn } from '@attnkit/tensor';
import { lineplot, show } from '../show.js';

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

export function main() {
  // Self-attention costs O(n²·d): doubling the sequence length n should about quadruple the time.
  const rng = new Generator(0);
  const d = 64;
  const lengths = [64, 128, 256, 512];
  const ms: number[] = [];
  for (const n of lengths) {
    const X = randn([1, n, d], { rng });
    ms.push(timeIt(() => void scaledDotProductAttention(X, X, X).output.toTypedArray(), 3));
  }
  console.log('positions      ms   ms/(n²·d)·1e6');
  lengths.forEach((n, i) => {
    console.log(
      `${String(n).padStart(9)} ${ms[i]!.toFixed(2).padStart(7)}   ${((ms[i]! / (n * n * d)) * 1e6).toFixed(3)}`,
    );
  });
  const last = lengths.length - 1;
  const scale = ms[last]! / lengths[last]! ** 2;
  show(
    lineplot(
      lengths,
      { measured: ms, 'c·n²': lengths.map((n) => scale * n * n) },
      { title: 'Self-attention time', xLabel: 'sequence length n', yLabel: 'ms' },
    ),
  );
}
// expect: positions      ms   ms/(n²·d)·1e6
// expect-figures: 1
