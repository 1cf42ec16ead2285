/**
 * Benchmark entry: `pnpm bench` (all suites) or `pnpm --filter @attnkit/tensor bench matmul`
 * (the named suites). Prints the machine and one table per suite, and writes
 * bench/results/<suite>.json. Each figure comes with a plain-JavaScript baseline timed in the same
 * run, so the ratio is what carries over between machines.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release } from 'node:os';
import { attentionSuite } from './attention.bench.js';
import { gruSuite } from './gru.bench.js';
import type { Row, Suite } from './harness.js';
import { sink } from './harness.js';
import { matmulSuite } from './matmul.bench.js';
import { opsSuite } from './ops.bench.js';
import { softmaxSuite } from './softmax.bench.js';
import { threadsSuite } from './threads.bench.js';

const SUITES: Record<string, () => Promise<Suite>> = {
  matmul: matmulSuite,
  ops: opsSuite,
  attention: attentionSuite,
  softmax: softmaxSuite,
  threads: threadsSuite,
  gru: gruSuite,
};

const machine = {
  os: `${platform()} ${release()} ${arch()}`,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  node: process.version,
};

function formatRow(row: Row, unit: string): string[] {
  const { attnkit, baseline } = row;
  return [
    row.name,
    attnkit.opsPerSec.toFixed(attnkit.opsPerSec < 10 ? 2 : 1),
    `${attnkit.rate.toFixed(2)} ${unit}`,
    `${baseline.rate.toFixed(2)} ${unit} (${baseline.name})`,
    `${row.speedup.toFixed(2)}×`,
    `${attnkit.samples}/${baseline.samples}`,
  ];
}

function printTable(suite: Suite): void {
  const header = ['benchmark', 'ops/s', 'attnkit', 'baseline', 'ratio', 'samples'];
  const lines = [header, ...suite.rows.map((r) => formatRow(r, suite.unit))];
  const widths = header.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  const fmt = (l: string[]) =>
    l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log(`\n${suite.name}`);
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines.slice(1)) console.log(fmt(l));
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !(w in SUITES));
  if (unknown.length > 0) {
    throw new Error(
      `bench: unknown suite(s) ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}.`,
    );
  }
  const names = wanted.length > 0 ? wanted : Object.keys(SUITES);
  console.log(`machine: ${machine.os}; ${machine.cpu}, ${machine.cores} cores; node ${machine.node}`);
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  for (const name of names) {
    const started = Date.now();
    const suite = await SUITES[name]!();
    printTable(suite);
    const report = {
      suite: suite.name,
      date: new Date().toISOString(),
      machine,
      unit: suite.unit,
      rows: suite.rows,
    };
    writeFileSync(new URL(`${name}.json`, dir), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s; bench/results/${name}.json)`);
  }
  // Printing the sink keeps every result observably used.
  console.log(`\nsink ${sink.value.toPrecision(6)}`);
}

await main();
