// Shared by scripts/check-packages.mjs and scripts/csp-pages.mjs: a static server on 127.0.0.1
// with a strict Content Security Policy and cross-origin isolation, import maps built from a
// node_modules folder (ESM entries only: no bundler), and headless Chromium.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { chromium } from 'playwright-core';

/** The policy attnkit promises to work under (issue 12): no eval, no blob: workers. */
export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'";

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.ts': 'text/plain; charset=utf-8',
};

/**
 * Serves `root` on 127.0.0.1 (a random port) with COOP/COEP and `csp`. `routes` maps a path to
 * a function returning [status, contentType, body, headers?] for generated responses; `mapPath`
 * maps other paths to files (null: 404).
 */
export function serve(root, { csp = STRICT_CSP, routes = {}, mapPath = (path) => join(root, path) } = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Content-Security-Policy': csp,
      'Cache-Control': 'no-store',
    };
    if (path === '/favicon.ico') {
      res.writeHead(204, headers).end();
      return;
    }
    if (routes[path]) {
      const [status, type, body, extra = {}] = await routes[path](url);
      res.writeHead(status, { ...headers, 'Content-Type': type, ...extra }).end(body);
      return;
    }
    const file = mapPath(path);
    if (file !== null && !file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (file === null) throw new Error('not served');
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * An HTML page that loads `moduleUrl` through `map`, and the policy to serve it with: the strict
 * policy plus the hash of the inline import map (browsers apply script-src to import maps, and
 * no browser loads an external one), which allows that exact map and nothing else.
 */
export function importMapPage(map, moduleUrl, title = 'attnkit') {
  const json = JSON.stringify(map);
  const hash = createHash('sha256').update(json).digest('base64');
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title>
<script type="importmap">${json}</script>
<script type="module" src="${moduleUrl}"></script>
</head><body></body></html>`;
  const csp = STRICT_CSP.replace("'wasm-unsafe-eval'", `'wasm-unsafe-eval' 'sha256-${hash}'`);
  return { html, csp };
}

/** The ESM target of an `exports` value for a browser (conditions browser, import, default). */
function esmTarget(value) {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  for (const condition of ['browser', 'import', 'module', 'default']) {
    if (condition in value) {
      const target = esmTarget(value[condition]);
      if (target) return target;
    }
  }
  return null;
}

/** Package folders under a node_modules folder (scoped ones included). */
function packageDirs(nodeModules) {
  const dirs = [];
  if (!existsSync(nodeModules)) return dirs;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = join(nodeModules, entry.name);
    if (entry.name.startsWith('@')) {
      for (const scoped of readdirSync(dir, { withFileTypes: true }))
        if (scoped.isDirectory()) dirs.push(join(dir, scoped.name));
    } else dirs.push(dir);
  }
  return dirs;
}

/**
 * Import-map entries of the package in `dir` (its `exports`, or `module`/`main`), with URLs from
 * `urlOf(file)`; an entry that is not ESM goes to `problems` (it cannot load without a bundler).
 */
export function packageImports(dir, urlOf, imports = {}, problems = []) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const entries = [];
  if (manifest.exports) {
    const exp =
      typeof manifest.exports === 'string' || Object.keys(manifest.exports).some((k) => !k.startsWith('.'))
        ? { '.': manifest.exports }
        : manifest.exports;
    for (const [key, value] of Object.entries(exp)) {
      if (key.includes('*') || key === './package.json') continue;
      const target = esmTarget(value);
      if (target) entries.push([`${manifest.name}${key.slice(1)}`, target]);
    }
  } else if (manifest.module || manifest.main) {
    entries.push([manifest.name, manifest.module ?? manifest.main]);
  }
  for (const [specifier, target] of entries) {
    const file = join(dir, target);
    if (!target.endsWith('.mjs') && nearestType(file, dir, manifest) !== 'module') {
      problems.push(`${specifier} → ${target} is CommonJS (no ESM entry for browsers)`);
    }
    imports[specifier] = urlOf(file);
  }
  return { imports, problems, manifest };
}

/**
 * An import map for every package installed (flat, as npm installs) under `projectDir`, with
 * URLs under `urlBase` (the URL of projectDir).
 */
export function importMap(projectDir, urlBase) {
  const imports = {};
  const problems = [];
  for (const dir of packageDirs(join(projectDir, 'node_modules'))) {
    if (dir.includes(`${sep}@types${sep}`)) continue;
    packageImports(
      dir,
      (file) => `${urlBase}/${relative(projectDir, file).split(sep).join('/')}`,
      imports,
      problems,
    );
  }
  return { imports, problems };
}

/** The "type" of the package.json nearest to `file`, up to the package's own. */
function nearestType(file, packageDir, manifest) {
  for (let dir = join(file, '..'); dir.startsWith(packageDir) && dir !== packageDir; dir = join(dir, '..')) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      const { type } = JSON.parse(readFileSync(pj, 'utf8'));
      if (type) return type;
    }
  }
  return manifest.type ?? 'commonjs';
}

/** Headless Chromium (Debian's), as apps/docs/e2e/run.mjs launches it. */
export async function launchChromium() {
  const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath} (apt-get install -y chromium, or set CHROMIUM).`);
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
}

/**
 * Opens `url` and waits until the page sets `window.__result` (or `timeout` ms pass). Collects
 * console errors, page errors, failed requests and CSP violations (the page adds a
 * securitypolicyviolation listener through the init script below).
 */
export async function runPage(browser, url, { timeout = 60_000 } = {}) {
  const page = await browser.newPage();
  const errors = [];
  const logs = [];
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('console', (m) => {
    // A failed request is reported above with its URL.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      errors.push(`console: ${m.text()}`);
    else logs.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(
        `${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });
  let result;
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout });
    result = await page.evaluate(() => window.__result);
  } catch (e) {
    errors.push(`no result: ${e.message.split('\n')[0]}`);
  }
  const violations = await page.evaluate(() => window.__violations ?? []).catch(() => []);
  await page.close();
  return { result, errors, logs, violations };
}
