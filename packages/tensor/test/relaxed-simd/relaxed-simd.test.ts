import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fusedAttention, Generator, randn } from '../../src/index.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

interface ChildReport {
  variant: string;
  threads: number;
  matmulError: number;
  matmulSameAcrossThreads: boolean;
  attentionSameAcrossThreads: boolean;
  attention: number[];
}

describe('relaxed-SIMD kernels (fused multiply-add build)', () => {
  it('run in a Node 20 process started with the flag: accurate, and bit-identical on 1 and 2 threads', () => {
    const out = execFileSync(
      process.execPath,
      ['--experimental-wasm-relaxed-simd', '--import', 'tsx', CHILD],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    const report = JSON.parse(out) as ChildReport;
    expect(report.variant).toBe('relaxed-simd');
    expect(report.threads).toBe(2);
    expect(report.matmulError).toBeLessThan(1e-5);
    expect(report.matmulSameAcrossThreads).toBe(true);
    expect(report.attentionSameAcrossThreads).toBe(true);
    // The same causal attention here (whichever build this process runs) agrees to float32 rounding.
    const gen = new Generator(7);
    randn([67, 45], { rng: gen });
    randn([45, 130], { rng: gen });
    const q = randn([2, 4, 33, 16], { rng: gen });
    const k = randn([2, 4, 40, 16], { rng: gen });
    const v = randn([2, 4, 40, 16], { rng: gen });
    const here = fusedAttention(q, k, v, { isCausal: true }).toTypedArray();
    expect(report.attention.length).toBe(here.length);
    let worst = 0;
    for (let i = 0; i < here.length; i++)
      worst = Math.max(worst, Math.abs((report.attention[i] as number) - (here[i] as number)));
    expect(worst).toBeLessThan(1e-5);
  });
});
