// Checks what npm users get: packs every publishable package with `pnpm pack`, installs each
// tarball into a fresh project (with only the attnkit tarballs it depends on, and its npm
// dependencies from the registry), runs the first example of its README there with plain Node,
// runs publint and attw (Are the Types Wrong?) on the tarball, asserts that no test or fixture
// file is shipped, and prints each package's packed size and dependencies.
//
//   pnpm check:packages            (builds first)
//   node scripts/check-packages.mjs [name…]
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const work = mkdtempSync(join(tmpdir(), 'attnkit-packages-'));
const tarballDir = join(work, 'tarballs');
mkdirSync(tarballDir);

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

function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

function tryRun(cmd, args, options = {}) {
  try {
    return { ok: true, output: run(cmd, args, options) };
  } catch (error) {
    return { ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}` || String(error) };
  }
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The first ```ts / ```js block of a README, as plain JavaScript (types stripped by TypeScript). */
function readmeExample(readme) {
  const block = readme.match(/```(?:ts|typescript|js|javascript|mjs)\n([\s\S]*?)```/);
  if (!block) return null;
  return ts.transpileModule(block[1], {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      verbatimModuleSyntax: false,
    },
  }).outputText;
}

const only = process.argv.slice(2);
const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({
    dir: join(root, 'packages', dir),
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
  const out = run('pnpm', ['pack', '--pack-destination', tarballDir], { cwd: dir }).trim().split('\n');
  const file = out.findLast((line) => line.endsWith('.tgz'))?.trim();
  if (!file || !existsSync(file))
    throw new Error(`check-packages: pnpm pack of ${manifest.name} gave no tarball:\n${out.join('\n')}`);
  tarballs.set(manifest.name, file);
}

/** The packed package.json (workspace: ranges replaced by pnpm). */
function packedManifest(tarball) {
  return JSON.parse(run('tar', ['-xOzf', tarball, 'package/package.json']));
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

const results = [];
for (const { dir, manifest } of checked) {
  const name = manifest.name;
  const tarball = tarballs.get(name);
  const problems = [];
  console.log(`\n== ${name}`);

  // Contents, sizes and dependencies.
  const listing = run('tar', ['-tvzf', tarball]).trim().split('\n');
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
  ) {
    problems.push('a workspace: range is left in the packed package.json');
  }
  const deps = Object.entries(packed.dependencies ?? {}).map(([d, v]) => `${d}@${v}`);
  const peers = Object.entries(packed.peerDependencies ?? {}).map(([d, v]) => `${d}@${v}`);
  console.log(`packed ${kib(statSync(tarball).size)}, unpacked ${kib(unpacked)}, ${files.length} files`);
  console.log(`dependencies: ${deps.join(', ') || '(none)'}; peers: ${peers.join(', ') || '(none)'}`);

  // publint and attw on the tarball.
  const publint = tryRun(bin('publint'), ['run', tarball, '--strict']);
  if (!publint.ok) problems.push(`publint:\n${publint.output.trim()}`);
  else console.log('publint: clean');
  const attw = tryRun(bin('attw'), [
    tarball,
    '--profile',
    'esm-only',
    '--format',
    'ascii',
    '--no-emoji',
    '--no-color',
  ]);
  if (!attw.ok) problems.push(`attw:\n${attw.output.trim()}`);
  else console.log('attw (esm-only): no problems');

  // A fresh project with this tarball, the attnkit tarballs it needs, and npm deps from the registry.
  const project = join(work, 'projects', name.replace('/', '__'));
  mkdirSync(project, { recursive: true });
  const closure = [...attnkitClosure(name)];
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'attnkit-consumer',
        private: true,
        type: 'module',
        dependencies: Object.fromEntries(closure.map((dep) => [dep, `file:${tarballs.get(dep)}`])),
      },
      null,
      2,
    ),
  );
  const install = tryRun('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project });
  if (!install.ok) problems.push(`npm install failed:\n${install.output.trim()}`);
  else {
    // Every attnkit package must come from our tarballs, once (never a registry copy nested below).
    for (const dep of closure) {
      const nested = join(project, 'node_modules', dep, 'node_modules', '@attnkit');
      if (existsSync(nested)) problems.push(`${dep} got its own copy of ${readdirSync(nested).join(', ')}`);
    }
  }
  if (install.ok)
    console.log(
      `installed with ${closure.length - 1} attnkit dependencies: ${closure.filter((d) => d !== name).join(', ') || '(none)'}`,
    );

  // The README's first example, with plain Node.
  const readmePath = join(dir, 'README.md');
  const example = existsSync(readmePath) ? readmeExample(readFileSync(readmePath, 'utf8')) : null;
  if (example === null) problems.push('README.md has no ts/js example');
  else if (install.ok) {
    writeFileSync(join(project, 'example.mjs'), example);
    const node = tryRun(process.execPath, ['example.mjs'], { cwd: project, timeout: 120_000 });
    if (!node.ok) problems.push(`README example failed:\n${node.output.trim()}`);
    else console.log(`README example ran:\n  ${node.output.trim().split('\n').slice(0, 6).join('\n  ')}`);
  }

  for (const problem of problems) console.log(`✗ ${problem}`);
  results.push({
    name,
    ok: problems.length === 0,
    packed: statSync(tarball).size,
    unpacked,
    files: files.length,
    deps,
    peers,
  });
}

rmSync(work, { recursive: true, force: true });
console.log('\npackage                 packed     unpacked   files  dependencies');
for (const r of results) {
  console.log(
    `${r.ok ? '✓' : '✗'} ${r.name.padEnd(21)} ${kib(r.packed).padStart(9)} ${kib(r.unpacked).padStart(11)} ${String(r.files).padStart(6)}  ${[...r.deps, ...r.peers.map((p) => `peer ${p}`)].join(', ')}`,
  );
}
const failed = results.filter((r) => !r.ok).length;
console.log(`check-packages: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
