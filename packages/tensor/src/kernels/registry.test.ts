import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { jsBackend } from './js-backend.js';

const src = fileURLToPath(new URL('..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));

/** Keys of an object literal written as `key: …` or `key,` lines. */
function keysIn(block: string): string[] {
  return [...block.matchAll(/^\s+(\w+)(?::|,)/gm)].map((m) => m[1]!).filter((k) => k !== 'name');
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

const registry = readFileSync(join(here, 'registry.ts'), 'utf8');
const core = keysIn(/const jsDefault = \{([\s\S]*?)\} as/.exec(registry)![1]!);
/** Family module (`relu`) → the kernels it registers. */
const families = new Map(
  readdirSync(join(here, 'js'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => {
      const text = readFileSync(join(here, 'js', f), 'utf8');
      const call = /provideJsKernels\(\{([\s\S]*)\}\);/.exec(text)![1]!;
      return [f.replace(/\.ts$/, ''), [...call.matchAll(/(?:^|[{,\s])(\w+):/g)].map((m) => m[1]!)] as const;
    }),
);

/**
 * Kernels no op of this package calls through `backend()`: other packages reach them through
 * `getBackend()`, which reports the whole `jsBackend` while the lazy default is active, so they
 * belong to no family (`adamStep`: the Adam and AdamW of @attnkit/training).
 */
const viaGetBackend = ['adamStep'];

describe('lazily registered JavaScript kernels', () => {
  it('the core and the kernels/js/ families together are exactly the kernels of jsBackend', () => {
    const lazy = [...families.values()].flat();
    expect(lazy.filter((k) => core.includes(k))).toEqual([]);
    expect([...core, ...lazy, ...viaGetBackend].sort()).toEqual(
      Object.keys(jsBackend)
        .filter((k) => k !== 'name')
        .sort(),
    );
  });

  it('every module that calls a lazily registered kernel imports the family that registers it', () => {
    const missing: string[] = [];
    for (const file of sources(src)) {
      if (file.startsWith(here)) continue;
      const text = readFileSync(file, 'utf8');
      for (const [, kernel] of text.matchAll(/backend\(\)\.(\w+)/g)) {
        if (core.includes(kernel!)) continue;
        const family = [...families].find(([, keys]) => keys.includes(kernel!))?.[0];
        if (family === undefined) missing.push(`${file}: ${kernel} is in no kernels/js/ family`);
        else if (!text.includes(`import '../kernels/js/${family}.js';`)) {
          missing.push(`${file}: calls backend().${kernel} without import '../kernels/js/${family}.js'`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
