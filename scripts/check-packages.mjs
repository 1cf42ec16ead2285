// Checks every publishable package the way a user meets it (issue 12). Packs each with `pnpm
// pack`, then per package, in a fresh npm project in a temp dir that installs only that tarball
// plus the tarballs of the @attnkit packages it declares (dependencies and peers, transitively;
// other npm dependencies come from the registry, or npm's cache when it has them):
//   a. runs the first example of its README as ESM in Node;
//   b. require()s every entry from CommonJS (Node >= 20.19 loads ESM through require) and checks
//      it is the same module instance as import() gives; top-level await fails with a message;
//   c. type-checks a TypeScript consumer (the README example, plus an import of every entry) with
//      skipLibCheck: false under moduleResolution node16, nodenext and bundler;
//   d. runs publint (strict) and Are the Types Wrong? on the tarball, failing on their errors;
//   e. loads the README example in headless Chromium from a plain <script type="module"> with an
//      import map and no bundler, under a strict CSP (no eval, no blob:), and compares its console
//      output with Node's;
// and checks the tarball's contents (no tests or fixtures) and metadata (repository with
// directory, homepage, bugs, engines, keywords, license, absolute README links), and that the
// root README's package table quotes the tarballs' sizes (pnpm sizes).
//
//   pnpm check:packages            (builds first)
//   node scripts/check-packages.mjs [name…] [--keep]   (--keep leaves the temp projects)
import { execFile as execFileCb, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { importMap, importMapPage, launchChromium, runPage, serve } from './lib/browser.mjs';
import { stale } from './package-sizes.mjs';

const execFile = promisify(execFileCb);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const only = args.filter((a) => !a.startsWith('--'));
const work = mkdtempSync(join(tmpdir(), 'attnkit-packages-'));
const tarballDir = join(work, 'tarballs');
mkdirSync(tarballDir);
const started = Date.now();

/** Files that must never reach npm. */
const FORBIDDEN = [
  /\.test\.[cm]?[jt]sx?(\.map)?$/,
  /(^|\/)test\//,
  /(^|\/)__tests__\//,
  /fixtures?\//,
  /\.bench\.[jt]s/,
  /(^|\/)golden\//,
  /\.tsbuildinfo$/,
];
const REPOSITORY = 'https://github.com/attnkit/attnkit';

/** Runs a command; resolves to { ok, output } (stdout + stderr), never rejects. */
async function run(cmd, argv, options = {}) {
  try {
    const { stdout, stderr } = await execFile(cmd, argv, { maxBuffer: 64 << 20, ...options });
    return { ok: true, output: `${stdout}${stderr}` };
  } catch (error) {
    return { ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}` || String(error) };
  }
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The first ```ts / ```js block of a README, as TypeScript source. */
function readmeExample(readme) {
  return readme.match(/```(?:ts|typescript|js|javascript|mjs)\n([\s\S]*?)```/)?.[1] ?? null;
}

/** TypeScript to plain JavaScript (types stripped). */
function toJs(source) {
  return ts.transpileModule(source, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      verbatimModuleSyntax: false,
    },
  }).outputText;
}

/** Concurrency-limited map (2 cores: two packages at a time). */
async function mapLimit(items, limit, f) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i]);
      }
    }),
  );
  return out;
}

const packages = readdirSync(join(root, 'packages'))
  .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
  .map((dir) => ({
    dir: join(root, 'packages', dir),
    folder: `packages/${dir}`,
    manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
  }))
  .filter(({ manifest }) => !manifest.private);
const checked = packages.filter(
  ({ manifest }) =>
    only.length === 0 || only.some((n) => manifest.name === n || manifest.name === `@attnkit/${n}`),
);

// 1. Pack everything first: installs need the tarballs of the attnkit dependencies.
const tarballs = new Map();
for (const { dir, manifest } of packages) {
  const out = execFileSync('pnpm', ['pack', '--pack-destination', tarballDir], { cwd: dir, encoding: 'utf8' })
    .trim()
    .split('\n');
  const file = out.findLast((line) => line.endsWith('.tgz'))?.trim();
  if (!file || !existsSync(file))
    throw new Error(`check-packages: pnpm pack of ${manifest.name} gave no tarball:\n${out.join('\n')}`);
  tarballs.set(manifest.name, file);
}

/** The packed package.json (workspace: ranges replaced by pnpm). */
function packedManifest(tarball) {
  return JSON.parse(execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], { encoding: 'utf8' }));
}

/** The attnkit packages a package needs, transitively (dependencies and peers). */
function attnkitClosure(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  const manifest = packedManifest(tarballs.get(name));
  for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
    if (dep.startsWith('@attnkit/')) {
      if (!tarballs.has(dep))
        throw new Error(`check-packages: ${name} depends on ${dep}, which is not packed.`);
      attnkitClosure(dep, seen);
    }
  }
  return seen;
}

/** Entry specifiers of a package (`name`, `name/node`, …) from its exports. */
function entries(manifest) {
  return Object.keys(manifest.exports ?? { '.': null })
    .filter((k) => k !== './package.json' && !k.includes('*'))
    .map((k) => `${manifest.name}${k.slice(1)}`);
}

/** Metadata a user and npm need, and README links that work on the npm page. */
function metadataProblems(packed, folder, readme) {
  const problems = [];
  for (const field of ['description', 'license', 'homepage', 'bugs', 'engines', 'repository', 'keywords']) {
    if (packed[field] === undefined || (Array.isArray(packed[field]) && packed[field].length === 0))
      problems.push(`package.json has no "${field}"`);
  }
  if (packed.repository && packed.repository.directory !== folder)
    problems.push(`repository.directory is ${packed.repository.directory}, not ${folder}`);
  if (packed.repository && !String(packed.repository.url).includes(REPOSITORY.replace('https://', '')))
    problems.push(`repository.url is ${packed.repository.url}, not ${REPOSITORY}`);
  if (packed.sideEffects === undefined) problems.push('package.json does not say sideEffects');
  const relative = [...(readme ?? '').matchAll(/\]\((?!https?:|#|mailto:)([^)]+)\)/g)].map((m) => m[1]);
  if (relative.length) problems.push(`README has relative links (broken on npm): ${relative.join(', ')}`);
  return problems;
}

const IS_ANY = 'type IsAny<T> = 0 extends 1 & T ? true : false;';
/** Extra type assertions per package: exported types must be real, not `any`. */
const TYPE_ASSERTIONS = {
  '@attnkit/tensor': `import type { NdArray, Tensor } from '@attnkit/tensor';
${IS_ANY}
export const ndArrayIsReal: IsAny<NdArray> = false;
export const tensorViewIsReal: IsAny<Tensor['nd']> = false;
export const dataIsTyped: IsAny<NdArray['data']> = false;
`,
};

const RESOLUTIONS = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
};

const REQUIRE_CHECK = `'use strict';
// Each entry through require() (Node >= 20.19 loads ES modules synchronously) must be the very
// module import() gives, so CommonJS and ESM code in one app share one Tensor class.
const entries = JSON.parse(process.argv[2]);
(async () => {
  for (const entry of entries) {
    let required;
    try {
      required = require(entry);
    } catch (e) {
      if (e.code === 'ERR_REQUIRE_ASYNC_MODULE') {
        console.error(entry + ' uses top-level await, so require() cannot load it; use import() instead.');
      } else if (e.code === 'ERR_REQUIRE_ESM') {
        console.error(entry + ' is ESM-only on this Node (' + process.version + '): require(esm) needs Node >= 20.19.');
      } else console.error(entry + ': require() failed: ' + (e.stack || e));
      process.exit(1);
    }
    const imported = await import(entry);
    const a = Object.keys(imported).sort();
    const b = Object.keys(required).filter((k) => k !== '__esModule' && k !== 'module.exports').sort();
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      console.error(entry + ': require() and import() give different exports');
      process.exit(1);
    }
    const different = a.filter((k) => imported[k] !== required[k]);
    if (different.length) {
      console.error(entry + ': require() gave other instances of ' + different.join(', '));
      process.exit(1);
    }
    console.log(entry + ': require() gives the ES module (' + a.length + ' exports)');
  }
})();
`;

/** Checks one package in its own project (steps a–d); the browser step runs afterwards. */
async function checkPackage({ dir, folder, manifest }) {
  const name = manifest.name;
  const tarball = tarballs.get(name);
  const problems = [];
  const notes = [];
  const project = join(work, 'projects', name.replace('/', '__'));
  mkdirSync(project, { recursive: true });

  // Contents, sizes, metadata.
  const listing = execFileSync('tar', ['-tvzf', tarball], { encoding: 'utf8' }).trim().split('\n');
  const files = listing.map((line) =>
    line
      .split(/\s+/)
      .slice(5)
      .join(' ')
      .replace(/^package\//, ''),
  );
  const unpacked = listing.reduce((total, line) => total + Number(line.split(/\s+/)[2] ?? 0), 0);
  const shipped = files.filter((file) => FORBIDDEN.some((re) => re.test(file)));
  if (shipped.length) problems.push(`ships test or fixture files: ${shipped.join(', ')}`);
  const packed = packedManifest(tarball);
  if (
    Object.values({ ...packed.dependencies, ...packed.peerDependencies }).some((v) =>
      String(v).startsWith('workspace:'),
    )
  )
    problems.push('a workspace: range is left in the packed package.json');
  const readmePath = join(dir, 'README.md');
  const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : null;
  problems.push(...metadataProblems(packed, folder, readme));
  const deps = Object.entries(packed.dependencies ?? {}).map(([d, v]) => `${d}@${v}`);
  const peers = Object.entries(packed.peerDependencies ?? {}).map(([d, v]) => `${d}@${v}`);
  const size = readFileSync(tarball).length;
  notes.push(`packed ${kib(size)}, unpacked ${kib(unpacked)}, ${files.length} files`);
  notes.push(`dependencies: ${deps.join(', ') || '(none)'}; peers: ${peers.join(', ') || '(none)'}`);

  // d. publint and attw on the tarball. attw's node16 profile checks CommonJS and ESM resolution
  // (and node10 is not a target); a CommonJS consumer resolving to the ES module is intended
  // (require(esm)), so that one rule is ignored.
  const [publint, attw] = await Promise.all([
    run(bin('publint'), ['run', tarball, '--strict']),
    run(bin('attw'), [
      tarball,
      '--profile',
      'node16',
      '--ignore-rules',
      'cjs-resolves-to-esm',
      '--format',
      'ascii',
      '--no-emoji',
      '--no-color',
    ]),
  ]);
  if (!publint.ok) problems.push(`publint:\n${publint.output.trim()}`);
  else notes.push('publint --strict: clean');
  if (!attw.ok) problems.push(`attw:\n${attw.output.trim()}`);
  else notes.push('attw (node16 + bundler): no problems');

  // The project: this tarball and its attnkit closure; @types/node only if it has a Node entry.
  const closure = [...attnkitClosure(name)];
  const specifiers = entries(packed);
  const nodeEntry = specifiers.some((s) => s.endsWith('/node'));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'attnkit-consumer',
        private: true,
        type: 'module',
        dependencies: Object.fromEntries(closure.map((dep) => [dep, `file:${tarballs.get(dep)}`])),
        ...(nodeEntry ? { devDependencies: { '@types/node': '^20.19.0' } } : {}),
      },
      null,
      2,
    ),
  );
  const install = await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
    {
      cwd: project,
    },
  );
  if (!install.ok) {
    problems.push(`npm install failed:\n${install.output.trim()}`);
    return { name, problems, notes, size, unpacked, files: files.length, deps, peers, project };
  }
  for (const dep of closure) {
    const nested = join(project, 'node_modules', dep, 'node_modules', '@attnkit');
    if (existsSync(nested)) problems.push(`${dep} got its own copy of ${readdirSync(nested).join(', ')}`);
  }
  const installed = readdirSync(join(project, 'node_modules', '@attnkit')).map((d) => `@attnkit/${d}`);
  const extra = installed.filter((d) => !closure.includes(d));
  if (extra.length)
    problems.push(`npm installed attnkit packages that are not declared: ${extra.join(', ')}`);
  notes.push(`installed with: ${closure.filter((d) => d !== name).join(', ') || '(no attnkit packages)'}`);

  // a. The README's first example as ESM in Node.
  const example = readme ? readmeExample(readme) : null;
  let nodeOutput = null;
  if (example === null) problems.push('README.md has no ts/js example');
  else {
    writeFileSync(join(project, 'example.mjs'), toJs(example));
    const node = await run(process.execPath, ['example.mjs'], { cwd: project, timeout: 120_000 });
    if (!node.ok) problems.push(`README example failed in Node:\n${node.output.trim()}`);
    else {
      nodeOutput = node.output.trim();
      notes.push(`README example ran (ESM): ${nodeOutput.split('\n')[0]?.slice(0, 100)}`);
    }
  }

  // b. require() from CommonJS.
  writeFileSync(join(project, 'require-check.cjs'), REQUIRE_CHECK);
  const cjs = await run(process.execPath, ['require-check.cjs', JSON.stringify(specifiers)], {
    cwd: project,
  });
  if (!cjs.ok) problems.push(`require() from CommonJS:\n${cjs.output.trim()}`);
  else
    notes.push(
      cjs.output
        .trim()
        .split('\n')
        .filter((l) => !/ExperimentalWarning|--trace-warnings/.test(l))
        .join('; '),
    );

  // c. A TypeScript consumer with skipLibCheck: false, under three module resolutions.
  const consumer = [
    ...specifiers.map((s, i) => `import * as entry${i} from '${s}';`),
    `export const entries = [${specifiers.map((_, i) => `entry${i}`).join(', ')}];`,
  ].join('\n');
  writeFileSync(join(project, 'consumer.ts'), `${consumer}\n`);
  const tsFiles = ['consumer.ts'];
  if (example !== null) {
    writeFileSync(join(project, 'example.ts'), `${example}\nexport {};\n`);
    tsFiles.push('example.ts');
  }
  if (TYPE_ASSERTIONS[name]) {
    writeFileSync(join(project, 'types.ts'), TYPE_ASSERTIONS[name]);
    tsFiles.push('types.ts');
  }
  const typeChecks = await Promise.all(
    Object.entries(RESOLUTIONS).map(async ([label, options]) => {
      const config = `tsconfig.${label}.json`;
      writeFileSync(
        join(project, config),
        JSON.stringify({
          compilerOptions: {
            ...options,
            target: 'ES2022',
            lib: ['ES2022', 'DOM'],
            types: nodeEntry ? ['node'] : [],
            strict: true,
            skipLibCheck: false,
            noEmit: true,
          },
          files: tsFiles,
        }),
      );
      const result = await run(process.execPath, [tsc, '-p', config], { cwd: project });
      return { label, ...result };
    }),
  );
  for (const { label, ok, output } of typeChecks)
    if (!ok) problems.push(`TypeScript consumer (${label}, skipLibCheck: false):\n${output.trim()}`);
  if (typeChecks.every((t) => t.ok))
    notes.push('types check with skipLibCheck: false under node16, nodenext, bundler');

  return {
    name,
    problems,
    notes,
    size,
    unpacked,
    files: files.length,
    deps,
    peers,
    project,
    example,
    nodeOutput,
    // A package whose browser use needs a bundler says so, with the reason, in its manifest
    // ("attnkit": { "browser": "bundler: <why>" }); the report prints it on every run.
    bundlerOnly: typeof manifest.attnkit?.browser === 'string' ? manifest.attnkit.browser : null,
  };
}

const results = await mapLimit(checked, 2, checkPackage);

// e. Each package in headless Chromium: import map, no bundler, strict CSP, output equal to Node's.
const server = await serve(work, {
  routes: Object.fromEntries(
    results
      .filter(
        (r) =>
          r.example &&
          r.nodeOutput !== undefined &&
          r.bundlerOnly === null &&
          existsSync(join(r.project, 'node_modules')),
      )
      .map((r) => {
        const base = `/projects/${r.name.replace('/', '__')}`;
        const { imports, problems } = importMap(r.project, base);
        r.problems.push(...problems.map((p) => `browser: ${p}`));
        writeFileSync(
          join(r.project, 'browser-run.mjs'),
          `const logs = [];
const log = console.log;
console.log = (...a) => { logs.push(a.map((x) => typeof x === 'string' ? x : formatValue(x)).join(' ')); log(...a); };
function formatValue(x) { return JSON.stringify(x); }
try {
  await import('./example.mjs');
  window.__result = { ok: true, logs };
} catch (e) {
  window.__result = { ok: false, error: String(e && e.stack || e), logs };
}
`,
        );
        const page = importMapPage({ imports }, `${base}/browser-run.mjs`, r.name);
        return [
          `${base}/index.html`,
          () => [200, 'text/html; charset=utf-8', page.html, { 'Content-Security-Policy': page.csp }],
        ];
      }),
  ),
});
const origin = `http://127.0.0.1:${server.address().port}`;
let browser = null;
try {
  browser = await launchChromium();
} catch (e) {
  for (const r of results) r.problems.push(`browser check could not run: ${e.message}`);
}
if (browser) {
  for (const r of results) {
    if (!r.example || r.nodeOutput === null || r.nodeOutput === undefined) continue;
    if (r.bundlerOnly !== null) {
      r.notes.push(`browser (import map, no bundler): NOT CHECKED — the package declares ${r.bundlerOnly}`);
      continue;
    }
    const base = `/projects/${r.name.replace('/', '__')}`;
    if (/from ['"]node:/.test(r.example)) {
      r.problems.push('browser: the README example imports node: modules; it cannot run in a page');
      continue;
    }
    const page = await runPage(browser, `${origin}${base}/index.html`, { timeout: 60_000 });
    const problems = [
      ...page.violations.map((v) => `CSP violation: ${v}`),
      ...page.errors,
      ...(page.result && !page.result.ok ? [`example threw: ${page.result.error}`] : []),
    ];
    if (problems.length) r.problems.push(`browser (import map, strict CSP):\n${problems.join('\n')}`);
    else {
      // Node prints objects with util.inspect, the page with JSON: compare the numbers in order.
      const numbers = (text) => (text.match(/-?\d+(\.\d+)?(e[-+]?\d+)?/gi) ?? []).map(Number);
      const a = numbers(r.nodeOutput);
      const b = numbers(page.result.logs.join('\n'));
      const same =
        a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= 1e-6 * Math.max(1, Math.abs(x)));
      if (!same)
        r.problems.push(
          `browser output differs from Node's:\nNode:    ${r.nodeOutput.slice(0, 400)}\nbrowser: ${page.result.logs.join('\n').slice(0, 400)}`,
        );
      else
        r.notes.push(
          `browser (import map, strict CSP, no bundler): ran, ${a.length} numbers equal to Node's`,
        );
    }
  }
  await browser.close();
}
server.close();

for (const r of results) {
  console.log(`\n== ${r.name}`);
  for (const note of r.notes) console.log(`  ${note}`);
  for (const problem of r.problems) console.log(`✗ ${problem.replace(/\n/g, '\n    ')}`);
}
if (!keep) rmSync(work, { recursive: true, force: true });
else console.log(`\nprojects kept in ${work}`);
console.log('\npackage                 packed     unpacked   files  dependencies');
for (const r of results) {
  console.log(
    `${r.problems.length ? '✗' : '✓'} ${r.name.padEnd(21)} ${kib(r.size).padStart(9)} ${kib(r.unpacked).padStart(11)} ${String(r.files).padStart(6)}  ${[...r.deps, ...r.peers.map((p) => `peer ${p}`)].join(', ')}`,
  );
}
// The README's package table must quote these tarballs (pnpm sizes rewrites it).
let sizesStale = [];
if (only.length === 0) {
  sizesStale = stale(
    readFileSync(join(root, 'README.md'), 'utf8'),
    results.map((r) => ({ name: r.name, packed: r.size })),
  );
  if (sizesStale.length)
    console.log(`✗ README package table is out of date (run pnpm sizes):\n  ${sizesStale.join('\n  ')}`);
  else console.log('README package table matches the tarballs.');
}
const packageFailures = results.filter((r) => r.problems.length).length;
const failed = packageFailures + (sizesStale.length ? 1 : 0);
console.log(
  `check-packages: ${results.length - packageFailures} of ${results.length} packages passed${sizesStale.length ? ', README table stale' : ''} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
);
process.exit(failed ? 1 : 0);
