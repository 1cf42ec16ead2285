/**
 * `pnpm bench` entry of @attnkit/bench: attnkit and its peers (TensorFlow.js cpu and wasm, ONNX
 * Runtime node and web) on the same inputs in one process, one thread each. Writes
 * bench/results/latest.json and latest.md (with --quick: quick.json and quick.md, small sizes).
 *
 * Options: --quick, --only=sgemm,attention,mha,train, --libs=attnkit,tfjs-cpu,tfjs-wasm,ort-node,ort-web,
 * --threads=1 (the one-thread pass only; default 1,2: then a second pass on two threads).
 * For one-thread figures against PyTorch on a host whose CPUs differ in speed, pin the run to one
 * CPU (`taskset -c 1 pnpm --filter @attnkit/bench bench -- --only=train,mha --threads=1`): the
 * PyTorch twin inherits the affinity, so both sides run on the same CPU (see bench/README).
 */
import './relaxed-simd.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { addRatios, type Figure, type Suite } from './figure.js';
import { canCollect, machine, sink } from './harness.js';
import { LIBRARIES, type LibraryName, loadLibraries } from './libs.js';
import { renderMarkdown } from './report.js';
import { attentionSuite } from './suites/attention.js';
import { mhaSuite } from './suites/mha.js';
import { sgemmSuite } from './suites/sgemm.js';
import { trainSuite } from './suites/train.js';

const SUITES: readonly Suite[] = ['sgemm', 'attention', 'mha', 'train'];

function option(name: string): string[] | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg?.slice(name.length + 3).split(',');
}

function describe(f: Figure): string {
  const lib = f.threads === 1 ? f.library : `${f.library}×${f.threads}`;
  const head = `${f.suite.padEnd(9)} ${f.case.padEnd(16)} ${lib.padEnd(9)}`;
  if (f.medianMs === undefined) return `${head} ${f.status}: ${f.note ?? ''}`;
  const parts = [`${f.medianMs.toFixed(2)} ms (n=${f.samples})`];
  if (f.gflops !== undefined) parts.push(`${f.gflops.toFixed(3)} GFLOP/s`);
  if (f.tokensPerSec !== undefined) parts.push(`${f.tokensPerSec.toFixed(0)} tok/s`);
  if (f.memory !== undefined) parts.push(`+${(f.memory.peakExtra / 2 ** 20).toFixed(1)} MB`);
  const errs = Object.entries(f.checks ?? {}).map(([k, c]) => `${k} err ${c.maxAbsErr.toExponential(1)}`);
  return `${head} ${parts.join(', ')}; ${errs.join(', ')}${f.status === 'invalid' ? ' INVALID' : ''}`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const quick = process.argv.includes('--quick');
  const only = (option('only') ?? SUITES) as Suite[];
  const unknown = [
    ...only.filter((s) => !SUITES.includes(s)),
    ...(option('libs') ?? []).filter((l) => !LIBRARIES.includes(l as LibraryName)),
  ];
  if (unknown.length > 0)
    throw new Error(
      `bench: unknown suite or library ${unknown.join(', ')}; suites: ${SUITES.join(', ')}; libraries: ${LIBRARIES.join(', ')}.`,
    );

  const threads = option('threads') ?? ['1', '2'];
  if (threads.some((t) => t !== '1' && t !== '2') || !threads.includes('1'))
    throw new Error(`bench: --threads must be 1 or 1,2; got ${threads.join(',')}.`);

  const libs = await loadLibraries();
  const wanted = (option('libs') ?? LIBRARIES) as LibraryName[];
  const libraries = wanted.filter((l) => libs.dropped[l] === undefined);
  const m = machine();
  console.log(
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; ${m.os}; node ${m.node}; load average ${m.loadAverageAtStart}${m.cpusAllowed === null ? '' : `; CPUs allowed ${m.cpusAllowed}`}`,
  );
  console.log(
    `libraries: ${libraries.join(', ')}${Object.keys(libs.dropped).length > 0 ? `; dropped: ${JSON.stringify(libs.dropped)}` : ''}`,
  );
  if (libs.torch !== null) console.log(`pytorch twins: ${libs.torch.describe()}`);
  else if (only.includes('train') || only.includes('mha'))
    console.log(
      `pytorch twins: not run (${libs.dropped.pytorch}); the mha and train suites run the JS peers only`,
    );
  if (!canCollect) console.log('note: run node with --expose-gc for a clean memory baseline');

  const log = (f: Figure) => console.log(describe(f));
  const figures: Figure[] = [];
  const pass = async (names: LibraryName[]) => {
    // The PyTorch twins train: only the mha and train suites run them.
    const forward = names.filter((l) => l !== 'pytorch');
    if (only.includes('sgemm'))
      figures.push(...(await sgemmSuite(libs, forward, quick ? [64, 128] : [256, 512, 1024], log)));
    if (only.includes('attention'))
      figures.push(...(await attentionSuite(libs, forward, quick ? [32, 64] : [128, 512, 1024, 2048], log)));
    if (only.includes('mha')) figures.push(...(await mhaSuite(libs, names, quick, log)));
    if (only.includes('train')) figures.push(...(await trainSuite(libs, names, quick, log)));
  };
  await pass(libraries);
  const twoThreads = libraries.filter(
    (l) => l === 'attnkit' || l === 'attnkit-fused' || l === 'ort-node' || l === 'pytorch',
  );
  if (libs.setAttnkitThreads !== null && twoThreads.includes('attnkit') && threads.includes('2')) {
    console.log(`second pass: 2 threads (${twoThreads.join(', ')})`);
    await libs.setAttnkitThreads(2);
    libs.threadCount = 2;
    await pass(twoThreads);
  }
  libs.torch?.close();
  addRatios(figures);

  const name = quick ? 'quick' : 'latest';
  // pnpm passes its own `--` separator through.
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const report = {
    date: new Date().toISOString(),
    machine: m,
    command: `pnpm bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`,
    libraries: { versions: libs.versions, dropped: libs.dropped, threads: libs.threads },
    figures,
    seconds: (performance.now() - started) / 1000,
    loadAverageAtEnd: Number(loadavg()[0]!.toFixed(2)),
  };
  const dir = new URL('../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${name}.json`, dir), `${JSON.stringify(report, null, 2)}\n`);
  const md = renderMarkdown(report, LIBRARIES.slice());
  writeFileSync(new URL(`${name}.md`, dir), md);
  console.log(`\n${md}`);
  console.log(
    `bench/results/${name}.json and ${name}.md written in ${report.seconds.toFixed(0)} s (sink ${sink.value.toPrecision(4)})`,
  );
}

await main();
