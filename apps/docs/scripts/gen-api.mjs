// Generates the API reference of every package from its TSDoc with TypeDoc and
// typedoc-plugin-markdown into .generated/api/<package>.md (git-ignored), which the package pages
// include. It runs before every docs build and dev server, so the reference cannot drift from the
// sources. One TypeDoc run over all packages (one TypeScript program) keeps it fast and lets
// cross-package links resolve.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, Converter, ReflectionKind } from 'typedoc';
import { PACKAGES } from './packages.mjs';

const docsRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(docsRoot, '..', '..');
const generated = join(docsRoot, '.generated');
const tmpOut = join(generated, 'typedoc');
const outRoot = join(generated, 'api');

/** The packages of {@link PACKAGES} with an extra Node-only entry point (`@attnkit/<name>/node`). */
const NODE_ENTRIES = ['training'];

const entryPoints = [];
for (const pkg of PACKAGES) {
  entryPoints.push(join(repoRoot, 'packages', pkg, 'src', 'index.ts'));
  if (NODE_ENTRIES.includes(pkg))
    entryPoints.push(join(repoRoot, 'packages', pkg, 'src', 'node', 'index.ts'));
}

const t0 = performance.now();
await rm(generated, { recursive: true, force: true });
const app = await Application.bootstrapWithPlugins({
  entryPoints,
  tsconfig: join(docsRoot, 'tsconfig.api.json'),
  plugin: ['typedoc-plugin-markdown'],
  out: tmpOut,
  readme: 'none',
  // Others may be mid-edit; the package builds and the test suite catch type errors, not the docs.
  skipErrorChecking: true,
  excludePrivate: true,
  excludeInternal: true,
  logLevel: 'Error',
  outputFileStrategy: 'modules',
  entryFileName: 'index',
  hidePageHeader: true,
  hideBreadcrumbs: true,
  hidePageTitle: true,
  useCodeBlocks: true,
  parametersFormat: 'table',
  interfacePropertiesFormat: 'table',
  typeDeclarationFormat: 'table',
  disableSources: true,
  validation: { notExported: false, invalidLink: false, unusedMergeModuleWith: false },
});
// Inherited members (every Module method on every layer) would bury each class's own API; the
// base class documents them once.
app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
  for (const reflection of Object.values(context.project.reflections)) {
    if (reflection.inheritedFrom && reflection.kindOf(ReflectionKind.ClassMember)) {
      context.project.removeReflection(reflection);
    }
  }
});
const project = await app.convert();
if (!project) throw new Error('gen-api: TypeDoc could not convert the packages.');
await app.generateOutputs(project);

/** `../../layers/src.md#linear` → `./layers.md#linear`: the package pages sit side by side. */
function relink(markdown) {
  return markdown.replace(
    /\]\((?:\.\.\/)*(?:([a-z0-9-]+)\/)?src(?:\/node)?\.md(#[^)]*)?\)/g,
    (_match, pkg, hash = '') => (pkg ? `](./${pkg}.md${hash})` : `](${hash || '#'})`),
  );
}

/**
 * Headings one level down, so the included reference nests under the page's "API reference";
 * braces in prose escaped, since VitePress reads a trailing `{ … }` as markdown-it attributes.
 */
function demote(markdown) {
  let inFence = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (line.startsWith('```')) inFence = !inFence;
      if (inFence || line.startsWith('```')) return line;
      const prose = line
        .split('`')
        .map((part, i) => (i % 2 === 0 ? part.replaceAll('{', '&#123;').replaceAll('}', '&#125;') : part))
        .join('`');
      return /^#{1,5} /.test(prose) ? `#${prose}` : prose;
    })
    .join('\n');
}

await mkdir(outRoot, { recursive: true });
const written = [];
for (const pkg of PACKAGES) {
  let markdown = demote(relink(await readFile(join(tmpOut, pkg, 'src.md'), 'utf8')));
  if (NODE_ENTRIES.includes(pkg)) {
    const node = demote(demote(relink(await readFile(join(tmpOut, pkg, 'src', 'node.md'), 'utf8'))));
    markdown += `\n### Node-only entry \`@attnkit/${pkg}/node\`\n\n${node}`;
  }
  await writeFile(join(outRoot, `${pkg}.md`), markdown);
  written.push(pkg);
}
await rm(tmpOut, { recursive: true, force: true });
const files = await readdir(outRoot);
console.log(
  `gen-api: ${files.length} API pages (${written.join(', ')}) in ${Math.round(performance.now() - t0)} ms`,
);
