// Runs every TSDoc `@example` of the packages (CONVENTIONS §10), so published examples cannot go
// stale. Each ```ts block inside an `@example` in packages/*/src/**/*.ts becomes one test named
// `<package>/<file>: <symbol>`. A snippet may import what it needs; any other exported name of an
// @attnkit package it uses is imported for it, from its own package first (and `fc` from
// fast-check). Sucrase (the docs runtime's compiler) turns the imports into `require` calls and the
// code runs as the body of an async function. Evaluating code is the point of this harness; the CONVENTIONS ban on
// `new Function` / code generation applies to library code, not to tests or the docs runtime.
// After a run, every top-level binding that holds a float Tensor (or an array of them) must be
// NaN-free. Node-only examples (training/src/node, plot/src/node) run too: they may import the node: modules below.
import * as fs from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as url from 'node:url';
import { fileURLToPath } from 'node:url';
import * as plotNode from '@attnkit/plot/node';
import { Tensor } from '@attnkit/tensor';
import * as testing from '@attnkit/testing';
import * as trainingNode from '@attnkit/training/node';
import * as fc from 'fast-check';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { compile } from '../runtime/execute.js';
import { MODULES } from '../runtime/modules.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGES_DIR = path.join(ROOT, 'packages');

/** Files whose examples are not run, with the reason. Paths are relative to packages/. */
const SKIP: Readonly<Record<string, string>> = {
  'tensor/src/wasm/': 'generated WebAssembly sources (base64 bytes), no examples',
};

const skipReason = (file: string): string | undefined =>
  Object.entries(SKIP).find(
    ([prefix]) => file === prefix || (prefix.endsWith('/') && file.startsWith(prefix)),
  )?.[1];

/** Modules a snippet can import: every @attnkit package, the Node entries of training and plot, a few builtins. */
const IMPORTABLE: Readonly<Record<string, unknown>> = {
  ...MODULES,
  '@attnkit/testing': testing,
  '@attnkit/training/node': trainingNode,
  '@attnkit/plot/node': plotNode,
  'fast-check': fc,
  'node:fs': fs,
  'node:fs/promises': fsPromises,
  'node:os': os,
  'node:path': path,
  'node:url': url,
};

const PACKAGE_NAMES = Object.keys(IMPORTABLE)
  .filter((id) => id.startsWith('@attnkit/') && !id.endsWith('/node'))
  .map((id) => id.slice('@attnkit/'.length));

interface Example {
  /** `<package>/<file>: <symbol>`, with ` (n)` for a symbol's n-th example. */
  name: string;
  pkg: string;
  code: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts'))
      out.push(full);
  }
  return out.sort();
}

/** The name a declaration is documented under, `Class.member` for members. */
function symbolName(node: ts.Node): string | undefined {
  if (ts.isVariableStatement(node)) {
    return node.declarationList.declarations.map((d) => d.name.getText()).join(', ');
  }
  if (ts.isConstructorDeclaration(node)) {
    const owner = node.parent as ts.ClassLikeDeclaration;
    return `${owner.name?.getText() ?? 'default'}.constructor`;
  }
  const named = node as ts.Node & { name?: ts.Node };
  if (!named.name)
    return ts.isClassDeclaration(node) || ts.isFunctionDeclaration(node) ? 'default' : undefined;
  const own = named.name.getText();
  const owner = node.parent;
  if (
    (ts.isClassLike(owner) || ts.isInterfaceDeclaration(owner)) &&
    (owner as ts.ClassLikeDeclaration | ts.InterfaceDeclaration).name
  ) {
    return `${(owner as ts.ClassLikeDeclaration | ts.InterfaceDeclaration).name!.getText()}.${own}`;
  }
  return own;
}

/** The ```ts blocks that follow `@example` in one doc comment (comment markers stripped). */
function exampleBlocks(comment: string): string[] {
  const lines = comment
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''));
  const text = lines.join('\n');
  const blocks: string[] = [];
  for (const part of text.split(/^@example\b/m).slice(1)) {
    const body = part.split(/^@\w+/m)[0]!;
    for (const match of body.matchAll(/```(?:ts|typescript)\s*\n([\s\S]*?)```/g)) blocks.push(match[1]!);
  }
  return blocks;
}

function collectExamples(): { examples: Example[]; tags: number; skipped: string[] } {
  const examples: Example[] = [];
  const skipped: string[] = [];
  let tags = 0;
  for (const pkg of fs.readdirSync(PACKAGES_DIR).sort()) {
    const src = path.join(PACKAGES_DIR, pkg, 'src');
    if (!fs.existsSync(src)) continue;
    for (const full of sourceFiles(src)) {
      const text = fs.readFileSync(full, 'utf8');
      if (!text.includes('@example')) continue;
      const rel = path.relative(PACKAGES_DIR, full).split(path.sep).join('/');
      const reason = skipReason(rel);
      const count = (text.match(/^\s*\*\s*@example\b/gm) ?? []).length;
      if (reason) {
        skipped.push(`${rel} (${count}): ${reason}`);
        continue;
      }
      tags += count;
      const fileLabel = `${pkg}/${path.relative(src, full).split(path.sep).join('/')}`;
      const source = ts.createSourceFile(full, text, ts.ScriptTarget.Latest, true);
      const seenComments = new Set<number>();
      const perSymbol = new Map<string, number>();
      const visit = (node: ts.Node): void => {
        const isDecl =
          ts.isVariableStatement(node) ||
          ts.isFunctionDeclaration(node) ||
          ts.isClassDeclaration(node) ||
          ts.isInterfaceDeclaration(node) ||
          ts.isTypeAliasDeclaration(node) ||
          ts.isEnumDeclaration(node) ||
          ts.isMethodDeclaration(node) ||
          ts.isMethodSignature(node) ||
          ts.isPropertyDeclaration(node) ||
          ts.isPropertySignature(node) ||
          ts.isGetAccessorDeclaration(node) ||
          ts.isSetAccessorDeclaration(node) ||
          ts.isConstructorDeclaration(node);
        if (isDecl) {
          for (const range of ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []) {
            const comment = text.slice(range.pos, range.end);
            if (!comment.startsWith('/**') || seenComments.has(range.pos)) continue;
            seenComments.add(range.pos);
            const symbol = symbolName(node) ?? '?';
            for (const code of exampleBlocks(comment)) {
              const n = (perSymbol.get(symbol) ?? 0) + 1;
              perSymbol.set(symbol, n);
              const name = `${fileLabel}: ${symbol}${n > 1 ? ` (${n})` : ''}`;
              examples.push({ name, pkg, code });
            }
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
  }
  return { examples, tags, skipped };
}

/** Top-level names a snippet declares or imports, and every identifier it mentions. */
function scan(code: string): { declared: Set<string>; topLevel: string[]; used: Set<string> } {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, true);
  const declared = new Set<string>();
  const topLevel: string[] = [];
  const bindingNames = (name: ts.BindingName): string[] =>
    ts.isIdentifier(name)
      ? [name.text]
      : name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingNames(e.name)));
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) declared.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) declared.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings))
        for (const el of bindings.elements) declared.add(el.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        for (const name of bindingNames(decl.name)) {
          declared.add(name);
          topLevel.push(name);
        }
      }
    } else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) &&
      statement.name !== undefined
    ) {
      declared.add(statement.name.text);
    }
  }
  const used = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) used.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { declared, topLevel, used };
}

/** `import { … } from '@attnkit/<pkg>'` lines for the exported names a snippet uses but does not import. */
function autoImports(pkg: string, used: Set<string>, declared: Set<string>): string {
  const order = [pkg, 'tensor', ...PACKAGE_NAMES].filter((p, i, all) => all.indexOf(p) === i);
  const byPackage = new Map<string, string[]>();
  const taken = new Set(declared);
  for (const p of order) {
    const mod = IMPORTABLE[`@attnkit/${p}`] as Record<string, unknown> | undefined;
    if (!mod) continue;
    for (const name of Object.keys(mod)) {
      if (!used.has(name) || taken.has(name)) continue;
      taken.add(name);
      byPackage.set(p, [...(byPackage.get(p) ?? []), name]);
    }
  }
  const lines = [...byPackage].map(([p, names]) => `import { ${names.join(', ')} } from '@attnkit/${p}';`);
  // `fc` is fast-check's conventional name throughout the repository (the testing package's examples).
  if (used.has('fc') && !taken.has('fc')) lines.push(`import fc from 'fast-check';`);
  return lines.join('\n');
}

// biome-ignore lint/complexity/useArrowFunction: the constructor of async functions is what is wanted.
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (
  ...args: string[]
) => (...args: unknown[]) => Promise<unknown>;

const silentConsole = { log() {}, info() {}, debug() {}, warn() {}, error() {}, table() {} };

/** Runs one snippet; resolves with the values of its top-level bindings. */
async function runExample(example: Example): Promise<Record<string, unknown>> {
  const { declared, topLevel, used } = scan(example.code);
  const source = `${autoImports(example.pkg, used, declared)}\n${example.code}`;
  const code = `${compile(source)}\n;return { ${topLevel.join(', ')} };`;
  const require = (id: string): unknown => {
    if (Object.hasOwn(IMPORTABLE, id)) return IMPORTABLE[id];
    throw new Error(`Cannot import '${id}' in a TSDoc example; add it to IMPORTABLE if it is needed.`);
  };
  const fn = new AsyncFunction('require', 'exports', 'module', 'console', code);
  const exports = {};
  return (await fn(require, exports, { exports }, silentConsole)) as Record<string, unknown>;
}

function tensorsIn(value: unknown): Tensor[] {
  if (value instanceof Tensor) return [value];
  if (Array.isArray(value)) return value.filter((v): v is Tensor => v instanceof Tensor);
  return [];
}

const { examples, tags, skipped } = collectExamples();

describe('TSDoc @example', () => {
  it('finds one ```ts block for every @example tag outside the skip list', () => {
    expect(examples.length).toBeGreaterThan(100);
    expect(examples.length).toBe(tags);
  });

  for (const entry of skipped) it.skip(entry, () => {});

  for (const example of examples) {
    it(example.name, async () => {
      const values = await runExample(example);
      for (const [name, value] of Object.entries(values)) {
        for (const t of tensorsIn(value)) {
          if (t.dtype !== 'float32' && t.dtype !== 'float64') continue;
          const data = t.toTypedArray() as ArrayLike<number>;
          expect(Array.from(data).some(Number.isNaN), `${name} holds NaN`).toBe(false);
        }
      }
    });
  }
});
