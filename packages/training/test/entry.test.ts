// The main entry must run in browsers: no Node built-ins outside src/node, and the Node-only
// helpers only behind the './node' subpath export.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as main from '../src/index.js';
import * as node from '../src/node/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return sources(path);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('package entries', () => {
  it('keeps node: imports inside src/node', () => {
    const offenders = sources(join(root, 'src'))
      .filter((path) => !relative(join(root, 'src'), path).startsWith('node'))
      .filter((path) => /from ['"]node:|require\(|process\./.test(readFileSync(path, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('exports the file-system helpers from ./node only', () => {
    expect(Object.keys(node).sort()).toEqual(['loadSafetensors', 'saveSafetensors']);
    expect('saveSafetensors' in main || 'loadSafetensors' in main).toBe(false);
    expect(typeof main.serializeSafetensors).toBe('function');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    expect(pkg.exports['./node']).toEqual({
      types: './dist/node/index.d.ts',
      import: './dist/node/index.js',
      // require() on Node >= 20.19 loads the same ES module.
      default: './dist/node/index.js',
    });
  });
});
