/**
 * `pnpm --filter @attnkit/bench profile`: where a training step of the main model goes. Runs the
 * train suite's model (the CLI's default TransformerLM, its first batch, AdamW, clipping; see
 * suites/train.ts) for `--warmup` untimed steps, then `--steps` steps under V8's sampling CPU
 * profiler (`node:inspector` Profiler), and prints the functions with the most self time, with
 * their share of the profiled time, plus the same grouped by source file. With `--out=FILE` the
 * raw `.cpuprofile` is written too (open it in Chrome DevTools → Performance, or speedscope).
 *
 * Options: --steps=150 --warmup=20 --threads=1 --top=30 --interval=100 (µs) --out=step.cpuprofile
 * --model=main|g2p|mha (g2p: the train suite's G2P encoder–decoder step on its fixed CMUdict batch;
 * mha: the mha suite's MultiHeadAttention forward + backward in withArena)
 * With --threads=2 only the main thread is profiled (the workers' share of a product shows as the
 * main thread waiting in the pool).
 */
import './relaxed-simd.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TransformerLM } from '@attnkit/transformer';
import { attnkitThreadControl } from './libs.js';
import { mhaTrainer } from './suites/mha.js';
import { attnkitTrainer, cliSetup, g2pSetup, options } from './suites/train.js';

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (arg === undefined) return fallback;
  const value = Number(arg.slice(name.length + 3));
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`profile: --${name} must be a whole number; got ${arg}.`);
  return value;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** A short, stable location: the path inside the repo (or the package inside node_modules). */
function where(url: string): string {
  if (url === '') return '';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) return path.slice(nm + 'node_modules/'.length);
  return path.startsWith(repo) ? relative(repo, path) : path;
}

/**
 * Names of the functions of attnkit's WebAssembly module by function index (the profiler calls
 * them `wasm-function[i]`; the binary has no name section): the order of the `(func …)` forms of
 * packages/tensor/src/wasm/sgemm.wat (it imports no functions), each named by its `$id` or export.
 */
function wasmFunctionNames(): Map<number, string> {
  const names = new Map<number, string>();
  let wat: string;
  try {
    wat = readFileSync(new URL('../../packages/tensor/src/wasm/sgemm.wat', import.meta.url), 'utf8');
  } catch {
    return names;
  }
  let i = 0;
  for (const m of wat.matchAll(/\(func(?:\s+\$([\w.]+))?(?:\s+\(export\s+"([^"]+)"\))?/g)) {
    names.set(i++, m[2] ?? `$${m[1] ?? '?'}`);
  }
  return names;
}

/** Self time (µs) per key: each sample's delta is charged to the node it hit. */
function selfTimes(profile: CpuProfile, key: (n: ProfileNode) => string): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time since the previous sample; charge it to the sample it ends at.
    const dt = profile.timeDeltas[i] ?? 0;
    const k = key(byId.get(id)!);
    out.set(k, (out.get(k) ?? 0) + dt);
  });
  return out;
}

function printTop(title: string, times: Map<string, number>, total: number, top: number): void {
  console.log(`\n${title}`);
  console.log(`${'self %'.padStart(7)} ${'self ms'.padStart(9)}  function`);
  for (const [k, us] of [...times].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `${((100 * us) / total).toFixed(1).padStart(6)}% ${(us / 1000).toFixed(1).padStart(9)}  ${k}`,
    );
  }
}

async function main(): Promise<void> {
  const steps = option('steps', 150);
  const warmup = option('warmup', 20);
  const threads = option('threads', 1);
  const top = option('top', 30);
  const interval = option('interval', 100);
  const out = process.argv.find((a) => a.startsWith('--out='))?.slice('--out='.length);

  const setThreads = await attnkitThreadControl();
  if (setThreads !== null) await setThreads(threads);
  else if (threads !== 1) throw new Error('profile: this build of @attnkit/tensor has no setNumThreads');
  const modelArg = process.argv.find((a) => a.startsWith('--model='))?.slice('--model='.length) ?? 'main';
  if (modelArg !== 'main' && modelArg !== 'g2p' && modelArg !== 'mha')
    throw new Error(`profile: --model must be main, g2p or mha; got ${modelArg}.`);
  let step: () => number;
  let title: string;
  let tokens: number;
  if (modelArg === 'mha') {
    step = mhaTrainer();
    tokens = 16 * 128;
    title = 'MultiHeadAttention d_model 128, 4 heads, L 128, batch 16, forward + backward';
  } else if (modelArg === 'g2p') {
    const g = await g2pSetup();
    step = g.step;
    const [batch, srcLen] = g.b.src.shape as [number, number];
    tokens = g.b.tokens;
    title = `G2P Transformer ${g.p.blocks}+${g.p.blocks} blocks × ${g.p.heads} heads, ${g.p.hiddens} hiddens, FFN ${g.p.ffn}, batch ${batch} (src ${srcLen}, tgt ${g.b.labels.shape[1]})`;
  } else {
    const s = await cliSetup();
    step = attnkitTrainer(s, new TransformerLM(options(s, 'float32')).stateDict());
    tokens = s.batch * s.context;
    title = `TransformerLM ${s.blocks}×${s.heads} heads, ${s.hiddens} hiddens, ${s.positional}, context ${s.context}, batch ${s.batch}`;
  }
  for (let i = 0; i < warmup; i++) step();

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval });
  await session.post('Profiler.start');
  const t0 = performance.now();
  let loss = 0;
  for (let i = 0; i < steps; i++) loss = step();
  const wallMs = performance.now() - t0;
  const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
  session.disconnect();
  if (setThreads !== null) await setThreads(1);

  const total = profile.timeDeltas.reduce((a, b) => a + b, 0);
  console.log(`${title}; ${threads} thread${threads === 1 ? '' : 's'}`);
  console.log(
    `${steps} profiled steps after ${warmup} warm-up steps: ${(wallMs / steps).toFixed(1)} ms/step, ${((tokens * steps) / (wallMs / 1000)).toFixed(0)} tokens/s under the profiler (sampling every ${interval} µs; ${profile.samples.length} samples); last loss ${loss.toFixed(4)}`,
  );
  const wasmNames = wasmFunctionNames();
  const fn = (n: ProfileNode) => {
    const wasmIndex = /^wasm-function\[(\d+)\]$/.exec(n.callFrame.functionName)?.[1];
    const named = wasmIndex === undefined ? undefined : wasmNames.get(Number(wasmIndex));
    if (wasmIndex !== undefined) return `${named ?? n.callFrame.functionName}  (WebAssembly, sgemm.wat)`;
    const name = n.callFrame.functionName === '' ? '(anonymous)' : n.callFrame.functionName;
    const loc = where(n.callFrame.url);
    return loc === '' ? name : `${name}  ${loc}:${n.callFrame.lineNumber + 1}`;
  };
  printTop('Top functions by self time:', selfTimes(profile, fn), total, top);
  const file = (n: ProfileNode) => where(n.callFrame.url) || n.callFrame.functionName || '(anonymous)';
  printTop('By source file (self time):', selfTimes(profile, file), total, Math.min(top, 20));
  if (out !== undefined) {
    writeFileSync(out, JSON.stringify(profile));
    console.log(`\nwrote ${out} (Chrome DevTools → Performance → Load profile, or speedscope)`);
  }
}

await main();
