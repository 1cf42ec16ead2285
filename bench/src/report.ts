/**
 * The Markdown report (bench/results/latest.md): one table per suite, a column per library,
 * each cell the figure with its speed relative to attnkit in the same run.
 */
import type { Figure, Suite } from './figure.js';
import type { Machine } from './harness.js';
import type { Libraries, LibraryName } from './libs.js';

export interface Report {
  date: string;
  machine: Machine;
  command: string;
  libraries: Pick<Libraries, 'versions' | 'dropped' | 'threads'>;
  figures: Figure[];
  seconds: number;
  /** 1-minute load average when the run ended. */
  loadAverageAtEnd: number;
}

const fixed = (x: number, digits: number) => x.toFixed(digits);
const num = (x: number) =>
  x >= 100 ? fixed(x, 0) : x >= 10 ? fixed(x, 1) : x >= 1 ? fixed(x, 2) : fixed(x, 3);
// A PyTorch twin's ratio is against attnkit's steps of the same interleaved rounds, not the attnkit column.
const ratio = (f: Figure) =>
  f.speedVsAttnkit === undefined
    ? ''
    : ` (${num(f.speedVsAttnkit)}×${f.paired === undefined ? '' : ' paired'})`;
const mb = (bytes: number) => `${num(Math.max(0, bytes) / 2 ** 20)} MB`;

function unavailable(f: Figure | undefined): string | null {
  if (f === undefined) return '–';
  if (f.status === 'skipped') return 'skipped¹';
  if (f.status === 'failed') return 'failed²';
  return null;
}

function mark(f: Figure, cell: string): string {
  return f.status === 'invalid' ? `~~${cell}~~ invalid³` : cell;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

function suiteTable(
  figures: Figure[],
  suite: Suite,
  libraries: LibraryName[],
  cell: (f: Figure) => string,
): string {
  const mine = figures.filter((f) => f.suite === suite);
  const cases = [...new Set(mine.map((f) => f.case))];
  // One column per library and thread count, in the order of `libraries`, single thread first.
  const columns = [...new Set(mine.map((f) => f.threads))]
    .sort((a, b) => a - b)
    .flatMap((threads) =>
      libraries
        .filter((l) => mine.some((f) => f.library === l && f.threads === threads))
        .map((library) => ({ library, threads })),
    );
  const rows = cases.map((c) => [
    c,
    ...columns.map(({ library, threads }) => {
      const f = mine.find((g) => g.case === c && g.library === library && g.threads === threads);
      return unavailable(f) ?? mark(f!, cell(f!));
    }),
  ]);
  const title = ({ library, threads }: { library: string; threads: number }) =>
    threads === 1 ? library : `${library}, ${threads} threads`;
  return table(['case', ...columns.map(title)], rows);
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * attnkit against the PyTorch twins (interleaved rounds), attnkit's 2-thread/1-thread ratio, and
 * the GC share and heap growth of its training step.
 */
function summary(figures: Figure[]): string[] {
  const out: string[] = [];
  const twins = figures.filter((f) => f.library === 'pytorch' && f.paired !== undefined);
  if (twins.length > 0) {
    out.push('## attnkit / PyTorch eager (interleaved rounds, same weights and batch)');
    out.push('');
    out.push(
      'ratio = PyTorch median step time / attnkit median step time over all timed steps of rounds of attnkit steps and PyTorch steps taken in turn (above 1: attnkit is faster); spread = min–max of the per-round ratios.',
    );
    out.push('');
    const rows = twins.map((f) => {
      const p = f.paired!;
      const lo = Math.min(...p.roundRatios);
      const hi = Math.max(...p.roundRatios);
      const losses = `${p.firstLosses.attnkit.map((x) => x.toFixed(4)).join(', ')} / ${p.firstLosses.torch.map((x) => x.toFixed(4)).join(', ')}`;
      return [
        `${f.suite}: ${f.case}`,
        String(f.threads),
        `${num(p.attnkitMs)} ms`,
        `${num(p.torchMs)} ms`,
        `**${num(p.ratio)}×**`,
        `${num(lo)}–${num(hi)}`,
        `${p.rounds}×${p.stepsPerRound}`,
        f.status === 'ok' ? losses : `${losses} (mismatch)`,
      ];
    });
    out.push(
      table(
        [
          'case',
          'threads',
          'attnkit',
          'PyTorch',
          'attnkit/PyTorch',
          'spread',
          'rounds×steps',
          'first losses attnkit / PyTorch',
        ],
        rows,
      ),
    );
    out.push('');
  }
  const attnkit = figures.filter((f) => f.library === 'attnkit' && f.medianMs !== undefined);
  const scaling = attnkit
    .filter((f) => f.threads === 2)
    .flatMap((two) => {
      const one = attnkit.find((g) => g.threads === 1 && g.suite === two.suite && g.case === two.case);
      const sc = two.scaling;
      const interleaved =
        sc === undefined
          ? '–'
          : `**${num(sc.ratio)}×** (${num(Math.min(...sc.roundRatios))}–${num(Math.max(...sc.roundRatios))}, ${sc.rounds}×${sc.stepsPerRound})`;
      return one === undefined
        ? []
        : [[`${two.suite}: ${two.case}`, `${num(one.medianMs! / two.medianMs!)}×`, interleaved]];
    });
  if (scaling.length > 0) {
    out.push('## attnkit, 2 threads / 1 thread');
    out.push('');
    out.push(
      'separate passes: the 1-thread figure over the 2-thread figure of this run; interleaved: rounds of 1-thread then 2-thread steps of the same model (setNumThreads between them), median ratio (spread of the per-round ratios, rounds×steps). Target (issue 15): ≥ 1.6× on the main model.',
    );
    out.push('');
    out.push(table(['case', 'separate passes', 'interleaved'], scaling));
    out.push('');
  }
  const gc = figures.filter((f) => f.gc !== undefined);
  if (gc.length > 0) {
    out.push('## attnkit training step: garbage collection and heap (targets: GC ≤ 2%, no growth)');
    out.push('');
    out.push(
      table(
        [
          'case',
          'threads',
          'steps',
          'GC share',
          'collections (minor/major/incremental)',
          'heap after forced GC',
          'ArrayBuffers',
          'growth per step',
        ],
        gc.map((f) => {
          const g = f.gc!;
          const m = (x: number) => (x / 2 ** 20).toFixed(2);
          return [
            f.case,
            String(f.threads),
            `${g.from}–${g.to}`,
            pct(g.share),
            `${g.collections.minor}/${g.collections.major}/${g.collections.incremental}`,
            `${m(g.heapUsed[0])} → ${m(g.heapUsed[1])} MB`,
            `${m(g.arrayBuffers[0])} → ${m(g.arrayBuffers[1])} MB`,
            `${(g.growthPerStep / 1024).toFixed(2)} kB`,
          ];
        }),
      ),
    );
    out.push('');
  }
  return out;
}

export function renderMarkdown(report: Report, libraries: LibraryName[]): string {
  const { figures, machine } = report;
  const out: string[] = [];
  out.push(`# attnkit side-by-side benchmark`);
  out.push('');
  out.push(
    `${report.date} · ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB · ${machine.os} · node ${machine.node} · \`${report.command}\` · ${report.seconds.toFixed(0)} s · load average ${machine.loadAverageAtStart} at start, ${report.loadAverageAtEnd} at end${machine.cpusAllowed === null ? '' : ` · CPUs ${machine.cpusAllowed}`}`,
  );
  out.push('');
  out.push(
    'Single thread for every library, except the columns marked “2 threads” (a second pass: attnkit after setNumThreads(2), onnxruntime-node with 2 intra-op threads). Medians of N timed calls after a warm-up call; (k×) = speed relative to attnkit at the same thread count in the same run (higher = faster than attnkit); “paired”: against the attnkit steps of the same interleaved rounds (the attnkit / PyTorch table), not the attnkit column. Every figure passed a check against a float64 reference unless marked invalid.',
  );
  out.push('');
  // One section per suite that ran (a run with --only=train,mha has no SGEMM or attention tables).
  const section = (suite: Suite, title: string, cell: (f: Figure) => string) => {
    if (!figures.some((f) => f.suite === suite)) return;
    out.push(`## ${title}`, '', suiteTable(figures, suite, libraries, cell), '');
  };
  section('sgemm', 'SGEMM (float32, C = A·B, n×n) — GFLOP/s', (f) => `${num(f.gflops!)}${ratio(f)}`);
  section(
    'attention',
    'Attention forward (B=2, H=8, d=64) — ms, GFLOP/s',
    (f) => `${num(f.medianMs!)} ms · ${num(f.gflops!)}${ratio(f)}`,
  );
  section('attention', 'Attention forward — peak extra memory of one call', (f) =>
    f.memory === undefined ? '–' : mb(f.memory.peakExtra),
  );
  section(
    'mha',
    'MultiHeadAttention forward + backward (d_model 128, 4 heads, L 128, batch 16) — ms per step',
    (f) => `${num(f.medianMs!)} ms${ratio(f)}`,
  );
  section('train', 'Training the CLI default TransformerLM — tokens/s', (f) =>
    f.tokensPerSec === undefined
      ? `${num(1000 / f.medianMs!)} steps/s · ${num(f.medianMs!)} ms/step${ratio(f)}`
      : `${num(f.tokensPerSec)} tok/s · ${num(f.medianMs!)} ms/step${ratio(f)}`,
  );
  out.push(...summary(figures));
  const notes = figures.filter((f) => f.note !== undefined);
  if (notes.length > 0) {
    out.push('¹ skipped, ² failed, ³ failed the float64 check:');
    out.push('');
    for (const f of notes) out.push(`- ${f.suite} ${f.case}, ${f.library}: ${f.note}`);
    out.push('');
  }
  out.push('Libraries:');
  out.push('');
  for (const [name, v] of Object.entries(report.libraries.versions)) out.push(`- ${name} ${v}`);
  for (const [name, t] of Object.entries(report.libraries.threads)) out.push(`- ${name} threads: ${t}`);
  for (const [name, why] of Object.entries(report.libraries.dropped)) out.push(`- dropped ${name}: ${why}`);
  out.push('');
  return out.join('\n');
}
