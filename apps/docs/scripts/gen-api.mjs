// Generates the API reference of every package from its TSDoc with TypeDoc and
// typedoc-plugin-markdown: one page per class and function (api/<package>/<name>.md), one page of
// types per package (api/<package>/types.md), an index per package (.generated/api/<package>.md,
// which the package page includes) and the sidebar of the API pages (.generated/api-sidebar.json),
// all git-ignored. It runs before every docs build and dev server, so the reference cannot drift from the
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
const NODE_ENTRIES = ['training', 'plot'];

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
  outputFileStrategy: 'members',
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

/**
 * Braces in prose escaped, since VitePress reads a trailing `{ … }` as markdown-it attributes, and
 * headings `levels` deeper (a type's section nests under the page's heading).
 */
function escapeProse(markdown, levels = 0) {
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
      return levels > 0 && /^#{1,5} /.test(prose) ? `${'#'.repeat(levels)}${prose}` : prose;
    })
    .join('\n');
}

/** The first paragraph of a member's page (after its signature): its summary in the package's index. */
function summary(markdown) {
  let inFence = false;
  const paragraph = [];
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    if (!line.trim() || line.startsWith('#') || line.startsWith('|') || line.startsWith('- ')) {
      if (paragraph.length) break;
      continue;
    }
    paragraph.push(line.trim());
  }
  return paragraph.join(' ');
}

const KINDS = [
  { dir: 'classes', title: 'Classes', page: true },
  { dir: 'functions', title: 'Functions', page: true },
  { dir: 'interfaces', title: 'Interfaces', page: false },
  { dir: 'type-aliases', title: 'Type aliases', page: false },
  { dir: 'variables', title: 'Variables', page: false },
];

/** Every member of every entry point: its TypeDoc file, and the page (and anchor) it lands on. */
const members = [];
for (const pkg of PACKAGES) {
  const entries = [{ dir: join(tmpOut, pkg, 'src'), entry: `@attnkit/${pkg}` }];
  if (NODE_ENTRIES.includes(pkg))
    entries.push({ dir: join(tmpOut, pkg, 'src', 'node'), entry: `@attnkit/${pkg}/node` });
  for (const { dir, entry } of entries) {
    for (const kind of KINDS) {
      let files = [];
      try {
        files = (await readdir(join(dir, kind.dir))).filter((f) => f.endsWith('.md')).sort();
      } catch {
        continue;
      }
      for (const file of files) {
        const name = file.replace(/\.md$/, '');
        const taken = members.some(
          (m) => m.pkg === pkg && m.page && m.slug.toLowerCase() === name.toLowerCase(),
        );
        const slug = kind.page ? (taken ? `${name}-${kind.dir}` : name) : 'types';
        members.push({
          pkg,
          entry,
          kind,
          name,
          page: kind.page,
          slug,
          source: join(dir, kind.dir, file),
          url: kind.page ? `/api/${pkg}/${slug}` : `/api/${pkg}/types#${name.toLowerCase()}`,
        });
      }
    }
  }
}
const bySource = new Map(members.map((m) => [m.source, m]));

/** TypeDoc's relative `.md` links → the docs' URLs of those members. */
function relink(markdown, from) {
  return markdown.replace(/\]\(([^)#\s]+\.md)(#[^)]*)?\)/g, (match, target, hash = '') => {
    const member = bySource.get(join(dirname(from), target));
    if (!member) return match;
    return `](${member.page ? `${member.url}${hash}` : member.url})`;
  });
}

await mkdir(outRoot, { recursive: true });
const pagesRoot = join(docsRoot, 'api');
await rm(pagesRoot, { recursive: true, force: true });
const sidebar = {};
for (const pkg of PACKAGES) {
  const own = members.filter((m) => m.pkg === pkg);
  await mkdir(join(pagesRoot, pkg), { recursive: true });
  const texts = new Map();
  for (const m of own) texts.set(m, relink(await readFile(m.source, 'utf8'), m.source));
  // One page per class and function.
  for (const m of own.filter((x) => x.page)) {
    const kindWord = m.kind.dir === 'classes' ? 'class' : 'function';
    await writeFile(
      join(pagesRoot, pkg, `${m.slug}.md`),
      `---\ntitle: ${m.name} · ${m.entry}\noutline: [2, 3]\n---\n\n# ${m.name}\n\n\`import { ${m.name} } from '${m.entry}'\` · ${kindWord} · [@attnkit/${pkg}](/packages/${pkg})\n\n::: v-pre\n${escapeProse(texts.get(m))}\n:::\n`,
    );
  }
  // The interfaces, type aliases and variables of a package share one page.
  const grouped = own.filter((x) => !x.page);
  let types = `---\ntitle: Types · @attnkit/${pkg}\noutline: [2, 2]\n---\n\n# Types of @attnkit/${pkg}\n\nThe options objects, interfaces, type aliases and constants that [@attnkit/${pkg}](/packages/${pkg}) exports.\n`;
  for (const m of grouped) {
    types += `\n## ${m.name}\n\n\`import type { ${m.name} } from '${m.entry}'\`\n\n::: v-pre\n${escapeProse(texts.get(m), 2)}\n:::\n`;
  }
  if (grouped.length) await writeFile(join(pagesRoot, pkg, 'types.md'), types);
  // The package page's index: every member with its summary.
  let index = '';
  for (const kind of KINDS) {
    const ofKind = own.filter((m) => m.kind === kind);
    if (!ofKind.length) continue;
    index += `\n### ${kind.title}\n\n| | |\n|---|---|\n`;
    for (const m of ofKind) {
      const node = m.entry.endsWith('/node') ? ' (Node)' : '';
      index += `| [\`${m.name}\`](${m.url})${node} | ${escapeProse(summary(texts.get(m))).replaceAll('|', '\\|')} |\n`;
    }
  }
  await writeFile(join(outRoot, `${pkg}.md`), index);
  sidebar[`/api/${pkg}/`] = [
    { text: `@attnkit/${pkg}`, link: `/packages/${pkg}` },
    ...KINDS.filter((k) => k.page)
      .map((k) => ({
        text: k.title,
        items: own.filter((m) => m.kind === k).map((m) => ({ text: m.name, link: m.url })),
      }))
      .filter((g) => g.items.length),
    ...(grouped.length ? [{ text: 'Types', link: `/api/${pkg}/types` }] : []),
  ];
}
await writeFile(join(generated, 'api-sidebar.json'), `${JSON.stringify(sidebar, null, 1)}\n`);
await rm(tmpOut, { recursive: true, force: true });
console.log(
  `gen-api: ${members.filter((m) => m.page).length} API pages (one per class and function) and ${PACKAGES.length} type pages in ${Math.round(performance.now() - t0)} ms`,
);
