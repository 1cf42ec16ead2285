// Rewrites the package table of the root README (between the package-sizes markers) with the
// sizes of the real tarballs: every publishable package is packed with `pnpm pack` and measured.
// The "what it is" text of a row is kept; a new package gets its package.json description.
//
//   pnpm sizes            (builds first; rewrites README.md)
//   node scripts/package-sizes.mjs --check   (exits 1 if a size in README.md is off by > 5 %)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const readmePath = join(root, 'README.md');
const START = '<!-- package-sizes:start (pnpm sizes writes this table from the packed tarballs) -->';
const END = '<!-- package-sizes:end -->';

/** Packs every publishable package; returns [{ name, folder, description, packed, unpacked }]. */
export function measure() {
  const out = mkdtempSync(join(tmpdir(), 'attnkit-sizes-'));
  try {
    return readdirSync(join(root, 'packages'))
      .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
      .map((d) => ({
        d,
        manifest: JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')),
      }))
      .filter(({ manifest }) => !manifest.private)
      .map(({ d, manifest }) => {
        const lines = execFileSync('pnpm', ['pack', '--pack-destination', out], {
          cwd: join(root, 'packages', d),
          encoding: 'utf8',
        }).trim();
        const tarball = lines
          .split('\n')
          .findLast((l) => l.endsWith('.tgz'))
          .trim();
        const listing = execFileSync('tar', ['-tvzf', tarball], { encoding: 'utf8' }).trim().split('\n');
        const unpacked = listing.reduce((n, line) => n + Number(line.split(/\s+/)[2] ?? 0), 0);
        return {
          name: manifest.name,
          folder: `packages/${d}`,
          description: manifest.description,
          packed: statSync(tarball).size,
          unpacked,
        };
      });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const kib = (bytes) => `${Math.round(bytes / 1024)} KiB`;

/** The README's table rows by package name: { what, packed } (packed in bytes, as written). */
export function readTable(readme) {
  const rows = new Map();
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < 0) throw new Error(`README.md has no package-sizes markers (${START} … ${END}).`);
  for (const line of readme.slice(start, end).split('\n')) {
    const m = line.match(/^\| \[`(@attnkit\/[a-z0-9-]+)`\]\([^)]*\) \| (.*?) \| (\d+) KiB \|/);
    if (m) rows.set(m[1], { what: m[2], packed: Number(m[3]) * 1024 });
  }
  return rows;
}

/** The README with the table rewritten from `sizes`. */
export function rewrite(readme, sizes) {
  const rows = readTable(readme);
  const order = [...rows.keys()];
  const sorted = [...sizes].sort((a, b) => {
    const ia = order.indexOf(a.name);
    const ib = order.indexOf(b.name);
    return (ia < 0 ? 1e9 : ia) - (ib < 0 ? 1e9 : ib) || a.name.localeCompare(b.name);
  });
  const table = [
    '| package | what it is | packed | unpacked |',
    '|---|---|---|---|',
    ...sorted.map(
      (s) =>
        `| [\`${s.name}\`](${s.folder}) | ${rows.get(s.name)?.what ?? s.description} | ${kib(s.packed)} | ${kib(s.unpacked)} |`,
    ),
  ].join('\n');
  const start = readme.indexOf(START) + START.length;
  return `${readme.slice(0, start)}\n${table}\n${readme.slice(readme.indexOf(END))}`;
}

/** Packages whose README size is off by more than 5 % (and 1 KiB), or missing. */
export function stale(readme, sizes) {
  const rows = readTable(readme);
  return sizes
    .filter((s) => {
      const row = rows.get(s.name);
      return !row || Math.abs(row.packed - s.packed) > Math.max(1024, 0.05 * s.packed);
    })
    .map(
      (s) =>
        `${s.name}: README says ${rows.has(s.name) ? kib(rows.get(s.name).packed) : 'nothing'}, tarball is ${kib(s.packed)}`,
    );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const readme = readFileSync(readmePath, 'utf8');
  const sizes = measure();
  if (process.argv.includes('--check')) {
    const off = stale(readme, sizes);
    if (off.length) {
      console.error(`README package sizes are out of date (run pnpm sizes):\n  ${off.join('\n  ')}`);
      process.exit(1);
    }
    console.log('README package sizes match the tarballs.');
  } else {
    writeFileSync(readmePath, rewrite(readme, sizes));
    for (const s of sizes)
      console.log(`${s.name.padEnd(22)} ${kib(s.packed).padStart(8)} ${kib(s.unpacked).padStart(9)}`);
    console.log('README.md: package table rewritten.');
  }
}
