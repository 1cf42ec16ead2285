#!/usr/bin/env node
/**
 * Import cycles among the kernels of @attnkit/tensor: builds the graph of relative imports (type
 * imports included) of packages/tensor/src and fails when any cycle passes through src/kernels,
 * src/wasm or src/threads — the layer under the ops, which must stay acyclic so that a backend
 * can be loaded (and tree-shaken) on its own. Cycles among ops and the Tensor class (a method
 * calls an op that builds a Tensor) are by design and reported only with --all.
 *
 * Usage: node scripts/check-cycles.mjs [--all]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../packages/tensor/src');
const all = process.argv.includes('--all');

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

const graph = new Map();
for (const file of files(root)) {
  const source = readFileSync(file, 'utf8');
  const deps = [...source.matchAll(/(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gs)].map((m) =>
    resolve(dirname(file), m[1].replace(/\.js$/, '.ts')),
  );
  graph.set(file, deps);
}

// Tarjan's strongly connected components.
let index = 0;
const stack = [];
const info = new Map();
const components = [];
function visit(v) {
  info.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!info.has(w)) {
      visit(w);
      info.get(v).low = Math.min(info.get(v).low, info.get(w).low);
    } else if (info.get(w).onStack) info.get(v).low = Math.min(info.get(v).low, info.get(w).index);
  }
  if (info.get(v).low === info.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      info.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) components.push(component);
  }
}
for (const v of graph.keys()) if (!info.has(v)) visit(v);

const layer = (f) => /^(kernels|wasm|threads)\//.test(relative(root, f));
const bad = components.filter((c) => c.some(layer));
for (const c of all ? components : bad) {
  console.log(
    `${bad.includes(c) ? 'cycle through the kernel layer' : 'cycle'}: ${c
      .map((f) => relative(root, f))
      .sort()
      .join(', ')}`,
  );
}
if (bad.length > 0) {
  console.error(`check-cycles: ${bad.length} import cycle(s) through src/kernels, src/wasm or src/threads.`);
  process.exit(1);
}
console.log(`check-cycles: ${graph.size} modules, no cycle through src/kernels, src/wasm or src/threads.`);
