// Strict-CSP browser test (issue 12): headless Chromium opens pages served on 127.0.0.1 with
//   Content-Security-Policy: script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'
// (plus the hash of the page's inline import map) and COOP/COEP, loading the built packages
// (packages/*/dist) through an import map, with no bundler:
//   1. csp/masked-softmax.mjs — only maskedSoftmax;
//   2. csp/train-mha.mjs — a small MultiHeadAttention trained with Adam on setNumThreads(2);
//   3. a page whose worker file is not served: setNumThreads(2) falls back to 1 and says why.
// Each page must run with no CSP violation and no console error, and give the numbers the same
// modules give in Node.
//
//   pnpm build && node apps/docs/e2e/csp.mjs
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  importMapPage,
  launchChromium,
  packageImports,
  runPage,
  serve,
} from '../../../scripts/lib/browser.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const urlOf = (file) => `/${relative(root, realpathSync(file)).split(sep).join('/')}`;

/** Import map of the built workspace packages and their npm dependencies. */
function workspaceImports() {
  const imports = {};
  const problems = [];
  for (const dir of readdirSync(join(root, 'packages'))) {
    const pkg = join(root, 'packages', dir);
    if (!existsSync(join(pkg, 'package.json'))) continue;
    const { manifest } = packageImports(pkg, urlOf, imports, problems);
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      // Optional peers are Node add-ons (e.g. @resvg/resvg-js behind @attnkit/plot/node's savePng),
      // not part of what a page loads.
      if (manifest.peerDependenciesMeta?.[dep]?.optional === true) continue;
      if (dep.startsWith('@attnkit/') || imports[dep]) continue;
      const depDir = join(pkg, 'node_modules', dep);
      if (existsSync(depDir)) packageImports(depDir, urlOf, imports, problems);
    }
  }
  if (problems.length) throw new Error(`csp: not loadable without a bundler:\n${problems.join('\n')}`);
  return imports;
}

const imports = workspaceImports();
/** The same map with @attnkit/tensor served from /broken/, where the worker file is missing. */
const broken = { ...imports, '@attnkit/tensor': `/broken${imports['@attnkit/tensor']}` };

const harness = (module, expectation = '') => `import { compute } from '${module}';
try {
  const value = await compute();
  ${expectation}
  window.__result = { ok: true, value };
} catch (e) {
  window.__result = { ok: false, error: String((e && e.stack) || e) };
}
`;
const PAGES = {
  'masked-softmax': { module: '/apps/docs/e2e/csp/masked-softmax.mjs', map: imports },
  'train-mha': { module: '/apps/docs/e2e/csp/train-mha.mjs', map: imports },
  'worker-missing': { module: '/csp/worker-missing.mjs', map: broken, expect404: true },
};
const routes = {
  '/csp/worker-missing.mjs': () => [
    200,
    'text/javascript',
    `import { setNumThreads, threadsUnavailableReason } from '@attnkit/tensor';
export async function compute() {
  return { threads: await setNumThreads(2), reason: threadsUnavailableReason() };
}
`,
  ],
};
for (const [name, page] of Object.entries(PAGES)) {
  const { html, csp } = importMapPage({ imports: page.map }, `/csp/${name}.harness.mjs`, name);
  routes[`/csp/${name}.html`] = () => [
    200,
    'text/html; charset=utf-8',
    html,
    { 'Content-Security-Policy': csp },
  ];
  routes[`/csp/${name}.harness.mjs`] = () => [200, 'text/javascript', harness(page.module)];
}
const server = await serve(root, {
  routes,
  mapPath: (path) => {
    if (path.startsWith('/broken/')) return path.endsWith('/worker.js') ? null : join(root, path.slice(8));
    return join(root, path);
  },
});
const origin = `http://127.0.0.1:${server.address().port}`;

/** What Node computes with the same modules (resolved through apps/docs' dependencies). */
async function inNode(name) {
  if (name === 'worker-missing') return null;
  const { compute } = await import(new URL(`./csp/${name}.mjs`, import.meta.url).href);
  return compute();
}

function close(a, b, tolerance) {
  return (
    a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= tolerance * Math.max(1, Math.abs(x)))
  );
}

const browser = await launchChromium();
let failures = 0;
for (const [name, page] of Object.entries(PAGES)) {
  const got = await runPage(browser, `${origin}/csp/${name}.html`, { timeout: 120_000 });
  const problems = [...got.violations.map((v) => `CSP violation: ${v}`)];
  for (const e of got.errors) {
    if (page.expect404 && /(HTTP 404: |request failed: ).*\/worker\.js\b/.test(e)) continue;
    problems.push(e);
  }
  if (!got.result?.ok) problems.push(`page threw: ${got.result?.error ?? '(no result)'}`);
  const value = got.result?.value;
  const expected = await inNode(name);
  if (value && name === 'masked-softmax') {
    if (!close(value.weights, expected.weights, 1e-6))
      problems.push(
        `weights ${JSON.stringify(value.weights)} differ from Node's ${JSON.stringify(expected.weights)}`,
      );
    // Batch 0 has 2 valid keys: keys 2 and 3 get exactly 0.
    if (value.weights[2] !== 0 || value.weights[3] !== 0) problems.push('masked keys got weight');
  }
  if (value && name === 'train-mha') {
    if (value.threads !== 2) problems.push(`setNumThreads(2) gave ${value.threads}: ${value.reason}`);
    if (expected.threads !== 2)
      problems.push(`Node: setNumThreads(2) gave ${expected.threads}: ${expected.reason}`);
    if (!close(value.losses, expected.losses, 1e-4))
      problems.push(
        `losses ${JSON.stringify(value.losses)} differ from Node's ${JSON.stringify(expected.losses)}`,
      );
    if (!(value.losses.at(-1) < value.losses[0]))
      problems.push(`loss did not fall: ${JSON.stringify(value.losses)}`);
  }
  if (value && name === 'worker-missing') {
    if (value.threads !== 1 || !/worker\.js could not be loaded: HTTP 404/.test(value.reason))
      problems.push(`expected 1 thread and the HTTP 404 named; got ${value.threads}: ${value.reason}`);
  }
  if (problems.length) {
    failures++;
    console.log(`✗ ${name}\n  ${problems.join('\n  ')}`);
  } else console.log(`✓ ${name}: ${JSON.stringify(value).slice(0, 200)}`);
}
await browser.close();
server.close();
console.log(`csp: ${Object.keys(PAGES).length - failures} of ${Object.keys(PAGES).length} pages passed`);
process.exit(failures ? 1 : 0);
