/**
 * `pnpm --filter @attnkit/bench bundle-size`: what a web page pays for attnkit. Each page below is
 * built the way an app ships it (Vite production build: Rollup tree-shaking, esbuild minification,
 * the packages' `dist` resolved through their `exports`), and every emitted JavaScript chunk is
 * measured raw and gzipped (level 9, as a CDN serves it). Chunks are split into what the page
 * loads at start (the entry and its static imports) and what it loads only when an op needs it
 * (dynamic imports). Writes bench/results/bundle-size.json and prints one line per page.
 *
 * Options: --only=masked-softmax,mha-train; --strict exits non-zero when a page misses its target
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Rollup } from 'vite';
import { machine } from './harness.js';

interface Page {
  readonly name: string;
  readonly description: string;
  /** The page's module: what an app that uses only this would write. */
  readonly source: string;
  /** Target for the gzipped start-up JavaScript (bytes), from issue 12; absent: reported only. */
  readonly targetGzip?: number;
  /** Checks what the built page wrote into `document.body.textContent` (run in Node); null when right. */
  readonly check?: (text: string) => string | null;
}

/** `maskedSoftmax([[1, 2, 3], [4, 5, 6]]`, validLens 2): softmax over the first two keys, 0 after. */
const MASKED_EXPECTED = [
  [
    [1 / (1 + Math.E), Math.E / (1 + Math.E), 0],
    [1 / (1 + Math.E), Math.E / (1 + Math.E), 0],
  ],
];

const PAGES: readonly Page[] = [
  {
    name: 'masked-softmax',
    description: 'maskedSoftmax of @attnkit/masking on a (1, 2, 3) tensor with validLens',
    source: `
import { maskedSoftmax } from '@attnkit/masking';
import { tensor } from '@attnkit/tensor';
const scores = tensor([[[1, 2, 3], [4, 5, 6]]]);
document.body.textContent = JSON.stringify(maskedSoftmax(scores, tensor([2], { dtype: 'int32' })).toArray());
`,
    targetGzip: 12_000,
    check: (text) => {
      const got = (JSON.parse(text) as number[][][]).flat(2);
      const want = MASKED_EXPECTED.flat(2);
      const ok = got.length === want.length && got.every((v, i) => Math.abs(v - want[i]!) < 1e-6);
      return ok ? null : `expected ${JSON.stringify(MASKED_EXPECTED)}, got ${text}`;
    },
  },
  {
    name: 'js-kernels',
    description:
      'relu, argmax and max alone: their JavaScript kernels (kernels/js/) and method forms are registered by side effect; checked to survive tree-shaking',
    source: `
import { argmax, max, relu, tensor } from '@attnkit/tensor';
const x = tensor([[-1, 2, 0.5], [3, -4, 1]]);
document.body.textContent = JSON.stringify([relu(x).toArray(), argmax(x, { axis: -1 }).toArray(), x.max().item(), max(x, { axis: 0 }).toArray()]);
`,
    check: (text) =>
      text ===
      JSON.stringify([
        [
          [0, 2, 0.5],
          [3, 0, 1],
        ],
        [1, 0],
        3,
        [3, 2, 1],
      ])
        ? null
        : `expected relu, argmax, max; got ${text}`,
  },
  {
    name: 'mha-train',
    description:
      'MultiHeadAttention (32 hiddens, 4 heads) trained with Adam for a few steps after setNumThreads(2)',
    source: `
import { MultiHeadAttention } from '@attnkit/multihead';
import { Generator, mean, mul, randn, setNumThreads, sub } from '@attnkit/tensor';
import { Adam } from '@attnkit/training';
await setNumThreads(2);
const rng = new Generator(0);
const mha = new MultiHeadAttention({ numHiddens: 32, numHeads: 4, rng });
const opt = new Adam(mha.parameters(), { lr: 1e-2 });
const x = randn([2, 8, 32], { rng });
const target = randn([2, 8, 32], { rng });
for (let step = 0; step < 5; step++) {
  opt.zeroGrad();
  const d = sub(mha.forward(x, x, x), target);
  const loss = mean(mul(d, d));
  loss.backward();
  opt.step();
  document.body.textContent = String(loss.item());
}
`,
    check: (text) =>
      Number.isFinite(Number(text)) && Number(text) > 0 ? null : `expected a positive loss, got ${text}`,
  },
];

interface ChunkSize {
  readonly file: string;
  readonly bytes: number;
  readonly gzip: number;
}

interface PageReport {
  readonly name: string;
  readonly description: string;
  /** The entry chunk and every chunk it imports statically: what the page loads before it runs. */
  readonly initial: { readonly bytes: number; readonly gzip: number; readonly chunks: ChunkSize[] };
  /** Chunks loaded through dynamic import() when an op first needs them. */
  readonly lazy: { readonly bytes: number; readonly gzip: number; readonly chunks: ChunkSize[] };
  /** attnkit source modules in the start-up chunks (package/dist path), for seeing what came along. */
  readonly initialModules: string[];
  readonly targetGzip?: number;
  readonly meetsTarget?: boolean;
  /** The built page run in Node (its start-up chunks, a stand-in `document`): what it wrote, and whether that is right. */
  readonly run: { readonly output: string; readonly correct: boolean; readonly error?: string };
}

const VIRTUAL = 'virtual:page';

function sizeOf(chunk: Rollup.OutputChunk): ChunkSize {
  const code = Buffer.from(chunk.code);
  return { file: chunk.fileName, bytes: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

/** Packages' dist paths shortened to `tensor/dist/…` (Vite reports absolute ids). */
function shortId(id: string): string | null {
  const m = /packages\/([^/]+)\/dist\/(.+)$/.exec(id);
  return m === null ? null : `${m[1]}/${m[2]}`;
}

async function buildPage(page: Page, outDir: string): Promise<PageReport> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root: fileURLToPath(new URL('..', import.meta.url)),
    plugins: [
      {
        name: 'attnkit-bench-page',
        resolveId: (id) => (id === VIRTUAL ? `\0${VIRTUAL}` : null),
        load: (id) => (id === `\0${VIRTUAL}` ? page.source : null),
      },
    ],
    build: {
      outDir,
      emptyOutDir: true,
      write: true,
      target: 'es2022',
      minify: 'esbuild',
      modulePreload: false,
      reportCompressedSize: false,
      rollupOptions: { input: VIRTUAL },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  const chunks = outputs.flatMap((o) => o.output).filter((c): c is Rollup.OutputChunk => c.type === 'chunk');
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const entry = chunks.find((c) => c.isEntry);
  if (entry === undefined) throw new Error(`bundle-size: page ${page.name} produced no entry chunk.`);
  const initial = new Set<string>();
  const visit = (file: string): void => {
    if (initial.has(file)) return;
    initial.add(file);
    for (const dep of byName.get(file)?.imports ?? []) visit(dep);
  };
  visit(entry.fileName);
  const pick = (wanted: boolean) => {
    const list = chunks.filter((c) => initial.has(c.fileName) === wanted).map(sizeOf);
    return {
      bytes: list.reduce((s, c) => s + c.bytes, 0),
      gzip: list.reduce((s, c) => s + c.gzip, 0),
      chunks: list,
    };
  };
  const initialModules = chunks
    .filter((c) => initial.has(c.fileName))
    .flatMap((c) => Object.keys(c.modules).filter((id) => c.modules[id]!.renderedLength > 0))
    .map(shortId)
    .filter((id): id is string => id !== null)
    .sort();
  const report: PageReport = {
    name: page.name,
    description: page.description,
    initial: pick(true),
    lazy: pick(false),
    initialModules,
    run: runPage(page, join(outDir, entry.fileName)),
  };
  if (page.targetGzip === undefined) return report;
  return { ...report, targetGzip: page.targetGzip, meetsTarget: report.initial.gzip <= page.targetGzip };
}

/**
 * Runs the built entry in a Node child process with a stand-in `document` and checks what it wrote:
 * proof that tree-shaking kept everything the page needs (e.g. kernels registered by side effect).
 */
function runPage(page: Page, entryFile: string): PageReport['run'] {
  const harness = `globalThis.document = { body: { textContent: '' } };
await import(${JSON.stringify(pathToFileURL(entryFile).href)});
process.stdout.write(String(document.body.textContent));`;
  try {
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', harness], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    const error = page.check?.(output) ?? null;
    return error === null ? { output, correct: true } : { output, correct: false, error };
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    return {
      output: '',
      correct: false,
      error: (err.stderr || err.message).trim().split('\n').slice(0, 5).join('\n'),
    };
  }
}

const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;

async function main(): Promise<void> {
  const only = process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice(7)
    .split(',');
  const badOptions = process.argv.slice(2).filter((a) => !a.startsWith('--only=') && a !== '--strict');
  if (badOptions.length > 0) {
    throw new Error(
      `bundle-size: unknown option ${badOptions.join(', ')}; options: --only=<pages>, --strict.`,
    );
  }
  const unknown = (only ?? []).filter((n) => !PAGES.some((p) => p.name === n));
  if (unknown.length > 0) {
    throw new Error(
      `bundle-size: unknown page ${unknown.join(', ')}; pages: ${PAGES.map((p) => p.name).join(', ')}.`,
    );
  }
  const pages = PAGES.filter((p) => only === undefined || only.includes(p.name));
  const scratch = mkdtempSync(join(tmpdir(), 'attnkit-bundle-'));
  const reports: PageReport[] = [];
  try {
    for (const page of pages) {
      const r = await buildPage(page, join(scratch, page.name));
      reports.push(r);
      const target =
        r.targetGzip === undefined
          ? ''
          : `; target ≤ ${kB(r.targetGzip)} gzip: ${r.meetsTarget ? 'met' : 'NOT MET'}`;
      console.log(
        `${r.name.padEnd(15)} start-up ${kB(r.initial.gzip)} gzip (${kB(r.initial.bytes)} min), ` +
          `on demand ${kB(r.lazy.gzip)} gzip (${kB(r.lazy.bytes)} min) in ${r.lazy.chunks.length} chunks${target}; ` +
          (r.run.correct ? 'runs: output checked' : `RUN FAILED: ${r.run.error}`),
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const dir = new URL('../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const report = { date: new Date().toISOString(), machine: machine(), bundler: 'vite', pages: reports };
  writeFileSync(new URL('bundle-size.json', dir), `${JSON.stringify(report, null, 2)}\n`);
  console.log('bench/results/bundle-size.json written');
  if (reports.some((r) => !r.run.correct)) process.exitCode = 1;
  if (process.argv.includes('--strict') && reports.some((r) => r.meetsTarget === false)) process.exitCode = 1;
}

await main();
