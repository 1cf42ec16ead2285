// Real-browser test of the docs site (plain Node + playwright-core, not part of vitest).
// Serves the built site (.vitepress/dist; built first if missing) on localhost with COOP/COEP
// headers, opens every page in Debian's Chromium, clicks every Run button, checks that the
// documented output (`// expect:` lines) and figures appear and that no page logs an error, and
// saves screenshots to e2e/screenshots/ (git-ignored: the run's artifacts for review). Also checks
// an error with its line, and Stop, and the presentation at 1280 px: math is typeset (MathJax, no
// raw `$`), every figure is @attnkit/plot's SVG, no code block scrolls sideways, no test-only
// comment (`// expect:`, `biome-ignore`) is shown. The API pages (one per class and function) are
// loaded and checked for content and errors only.
//
//   node apps/docs/e2e/run.mjs [--build] [--only <text>]   (CHROMIUM=/path/to/chromium to override;
//   --only visits just the pages whose path contains the text)
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const docsRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(docsRoot, '.vitepress', 'dist');
const shots = join(docsRoot, 'e2e', 'screenshots');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

if (process.argv.includes('--build') || !existsSync(join(dist, 'index.html'))) {
  console.log('e2e: building the site…');
  execFileSync('pnpm', ['--filter', '@attnkit/docs', 'build:site'], { stdio: 'inherit', cwd: docsRoot });
}
if (!existsSync(executablePath)) {
  console.error(`e2e: no Chromium at ${executablePath} (apt-get install -y chromium).`);
  process.exit(1);
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** A static server for dist/ with the cross-origin isolation headers the docs ask for. */
function serve() {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let path = decodeURIComponent(url.pathname);
    if (path.endsWith('/')) path += 'index.html';
    let file = join(dist, path);
    if (!file.startsWith(dist)) {
      res.writeHead(403).end();
      return;
    }
    if (!extname(file) && existsSync(`${file}.html`)) file = `${file}.html`;
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
        'Cross-Origin-Resource-Policy': 'same-origin',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function htmlPages(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'assets') out.push(...(await htmlPages(full)));
    } else if (entry.name.endsWith('.html') && entry.name !== '404.html') {
      out.push(`/${relative(dist, full).split(sep).join('/')}`);
    }
  }
  return out.sort();
}

const failures = [];
const fail = (page, message) => {
  failures.push(`${page}: ${message}`);
  console.log(`  ✗ ${message}`);
};

/** Pages whose equations must be typeset. */
const MATH_PAGES = [
  '/guide/queries-keys-values.html',
  '/guide/attention-pooling.html',
  '/guide/scoring-functions.html',
  '/guide/multi-head-attention.html',
  '/guide/self-attention-and-positional-encoding.html',
  '/guide/transformer.html',
  '/guide/pytorch-interop.html',
];

/** What a reader would notice at 1280 px: raw TeX, foreign figures, sideways scrolling, test comments. */
async function presentationProblems(page, expectMath) {
  return page.evaluate((expectMath) => {
    const problems = [];
    const doc = document.querySelector('.vp-doc');
    if (!doc) return ['no .vp-doc'];
    const math = doc.querySelectorAll('mjx-container').length;
    if (expectMath && math === 0) problems.push('no typeset math (mjx-container)');
    // Prose text outside code, math and the runners' output must hold no TeX delimiters.
    const walker = document.createTreeWalker(doc, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement?.closest('pre, code, mjx-container, .runner, textarea, script, style')) continue;
      if (/\$|\\(frac|mathbf|sum|alpha)/.test(node.textContent ?? ''))
        problems.push(`raw TeX in the text: "${node.textContent.trim().slice(0, 60)}"`);
    }
    for (const svg of doc.querySelectorAll('svg')) {
      if (svg.closest('mjx-container, button, .VPIcon, [class*="icon"]')) continue;
      if (!svg.closest('.runner-figure') || !svg.matches('[data-attnkit-plot]'))
        problems.push('an SVG figure that @attnkit/plot did not draw');
    }
    for (const img of doc.querySelectorAll('img')) {
      if (!img.classList.contains('diagram')) problems.push(`an image that is not a diagram: ${img.src}`);
      else if (!img.complete || img.naturalWidth === 0)
        problems.push(`a diagram that did not load: ${img.src}`);
    }
    // Every code block, the inactive tabs of code groups included (shown for the measurement).
    for (const block of doc.querySelectorAll('div[class*="language-"]')) {
      const display = block.style.display;
      block.style.display = 'block';
      const pre = block.querySelector('pre');
      if (pre && pre.scrollWidth > pre.clientWidth + 1)
        problems.push(
          `a code block scrolls sideways (${pre.scrollWidth} > ${pre.clientWidth} px): ${pre.textContent.slice(0, 40)}`,
        );
      block.style.display = display;
    }
    for (const eq of doc.querySelectorAll('mjx-container[display="true"]')) {
      if (eq.scrollWidth > eq.clientWidth + 1)
        problems.push(`an equation is too wide for the column (${eq.scrollWidth} px)`);
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1)
      problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px)`);
    const text = doc.textContent ?? '';
    for (const marker of ['// expect:', '// expect-figures:', 'biome-ignore']) {
      if (text.includes(marker)) problems.push(`test-only comment shown: ${marker}`);
    }
    for (const editor of doc.querySelectorAll('textarea')) {
      if (/\/\/ expect|biome-ignore/.test(editor.value)) problems.push('test-only comment in an editor');
    }
    return problems;
  }, expectMath);
}

/** Clicks Run and waits until the runner is done, failed or stopped. */
async function runOne(runner, limitMs) {
  await runner.locator('.runner-run').click();
  await runner.locator('.runner-status').waitFor({ state: 'visible' });
  await runner
    .page()
    .waitForFunction(
      (el) => ['done', 'error', 'stopped'].includes(el.dataset.state),
      await runner.elementHandle(),
      { timeout: limitMs },
    );
  return runner.getAttribute('data-state');
}

const server = await serve();
const origin = `http://127.0.0.1:${server.address().port}`;
const userDataDir = await mkdtemp(join(tmpdir(), 'attnkit-e2e-'));
await rm(shots, { recursive: true, force: true });
await mkdir(shots, { recursive: true });

const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

let pagesVisited = 0;
let buttonsClicked = 0;
let figuresSeen = 0;
const started = performance.now();
try {
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt > 0 ? process.argv[onlyAt + 1] : undefined;
  const pages = (await htmlPages(dist)).filter((p) => only === undefined || p.includes(only));
  console.log(`e2e: ${pages.length} pages at ${origin} in ${executablePath}`);
  for (const path of pages) {
    const page = await context.newPage();
    const errors = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) errors.push(`HTTP ${response.status()} ${response.url()}`);
    });
    const isApiPage = path.startsWith('/api/');
    if (!isApiPage) console.log(`${path}`);
    await page.goto(`${origin}${path}`, { waitUntil: isApiPage ? 'load' : 'networkidle' });
    pagesVisited++;
    if (!(await page.locator('.VPContent').count())) fail(path, 'the page has no content');
    if (!page.url().endsWith('.html') && path !== '/index.html') fail(path, `landed on ${page.url()}`);
    if (await page.locator('.NotFound').count()) fail(path, 'VitePress shows "not found"');

    const runners = page.locator('.runner');
    const count = await runners.count();
    for (let i = 0; i < count; i++) {
      const runner = runners.nth(i);
      const src = await runner.getAttribute('data-src');
      const expected = JSON.parse((await runner.getAttribute('data-expect')) ?? '{"texts":[],"figures":0}');
      const limit = Number(
        (await runner.locator('.runner-hint').textContent())?.match(/(\d+) s limit/)?.[1] ?? 30,
      );
      await runner.scrollIntoViewIfNeeded();
      const t0 = performance.now();
      const state = await runOne(runner, (limit + 15) * 1000);
      buttonsClicked++;
      const output = (await runner.locator('.runner-output').count())
        ? ((await runner.locator('.runner-output').textContent()) ?? '')
        : '';
      const figures = await runner.locator('.runner-figure > svg[data-attnkit-plot]').count();
      const foreign = await runner.locator('.runner-figure:not(:has(> svg[data-attnkit-plot]))').count();
      if (foreign) fail(path, `${src}: ${foreign} figures not drawn by @attnkit/plot`);
      figuresSeen += figures;
      const ms = Math.round(performance.now() - t0);
      if (state !== 'done') {
        fail(path, `${src}: state ${state}: ${output.slice(0, 300)}`);
        continue;
      }
      const missing = expected.texts.filter((text) => !output.includes(text));
      if (missing.length) fail(path, `${src}: output lacks ${JSON.stringify(missing)}; got\n${output}`);
      if (figures !== expected.figures)
        fail(path, `${src}: ${figures} figures, expected ${expected.figures}`);
      console.log(`  ✓ ${src}: ${output.split('\n').length} output lines, ${figures} figures, ${ms} ms`);
      if (figures > 0) {
        await runner.screenshot({
          path: join(shots, `run__${src.replace(/\.ts$/, '').replaceAll('/', '__')}.png`),
        });
      }
    }

    if (path === '/getting-started.html') {
      // An error shows its message and the snippet's line; Stop ends a runaway snippet.
      const runner = runners.first();
      await runner.locator('.runner-edit').click();
      await runner.locator('.runner-editor').fill("const a = 1;\nthrow new RangeError('bad ' + a);\n");
      const state = await runOne(runner, 20_000);
      buttonsClicked++;
      const text = (await runner.locator('.runner-error').textContent()) ?? '';
      if (state !== 'error' || !text.includes('RangeError (line 2): bad 1'))
        fail(path, `error display: ${state} ${text}`);
      else console.log(`  ✓ an error shows "${text}"`);
      await runner.locator('.runner-editor').fill('for (;;) {}\n');
      await runner.locator('.runner-run').click();
      await page.waitForTimeout(500);
      await runner.locator('.runner-stop').click();
      buttonsClicked += 2;
      const stopped = await runner.getAttribute('data-state');
      if (stopped !== 'stopped') fail(path, `Stop left the runner ${stopped}`);
      else console.log('  ✓ Stop ends an endless loop');
      await runner.locator('.runner-reset').click();
      await runOne(runner, 20_000);
      buttonsClicked++;
    }

    if (!isApiPage) {
      const problems = await presentationProblems(page, MATH_PAGES.includes(path));
      for (const problem of problems) fail(path, problem);
      if (!problems.length) console.log('  ✓ math, figures, code blocks and test comments look right');
    }

    const name =
      path
        .slice(1)
        .replace(/\.html$/, '')
        .replaceAll('/', '__') || 'index';
    const fullPage = !path.startsWith('/packages/');
    if (!isApiPage) {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(shots, `${name}.png`), fullPage });
    }
    for (const error of errors) fail(path, error);
    await page.close();
  }
} finally {
  await context.close();
  server.close();
  await rm(userDataDir, { recursive: true, force: true });
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `\ne2e: ${pagesVisited} pages visited, ${buttonsClicked} buttons clicked, ${figuresSeen} figures drawn in ${seconds} s; screenshots in ${relative(process.cwd(), shots)}`,
);
if (failures.length) {
  console.log(`\ne2e failures:\n${failures.map((f) => `- ${f}`).join('\n')}`);
}
console.log(
  `e2e: ${pagesVisited - new Set(failures.map((f) => f.split(':')[0])).size} passed, ${new Set(failures.map((f) => f.split(':')[0])).size} failed`,
);
process.exit(failures.length ? 1 : 0);
