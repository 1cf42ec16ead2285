import { fileURLToPath } from 'node:url';
import { build, type Rollup } from 'vite';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));

/** The tensor source modules a Vite production build of `page` keeps (paths under src/). */
async function bundledModules(page: string): Promise<string[]> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    resolve: { alias: [{ find: /^@attnkit\/tensor$/, replacement: `${src}index.ts` }] },
    plugins: [
      {
        name: 'page',
        resolveId: (id) => (id === 'virtual:page' ? '\0virtual:page' : null),
        load: (id) => (id === '\0virtual:page' ? page : null),
      },
    ],
    build: { write: false, minify: false, rollupOptions: { input: 'virtual:page' } },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  return outputs
    .flatMap((o) => o.output)
    .flatMap((c) => (c.type === 'chunk' ? Object.entries(c.modules) : []))
    .filter(([id, m]) => id.startsWith(src) && m.renderedLength > 0)
    .map(([id]) => id.slice(src.length));
}

/** Modules of the WebAssembly backend: its kernels, instance, base64 module and the thread pool. */
const WASM = /^(wasm\/|threads\/|kernels\/(wasm-|prefer-wasm))/;

describe('tree-shaking of @attnkit/tensor', () => {
  it('leaves the WebAssembly backend, threads and fused attention out of a page without products', async () => {
    const modules = await bundledModules(
      "import { softmax, tensor } from '@attnkit/tensor';\nconsole.log(softmax(tensor([[1, 2, 3]]), -1).toArray());",
    );
    expect(modules).toContain('ops/softmax.ts');
    expect(modules.filter((m) => WASM.test(m))).toEqual([]);
  });

  it('brings the WebAssembly backend with the ops that use it', async () => {
    const modules = await bundledModules(
      "import { linear, ones } from '@attnkit/tensor';\nconsole.log(linear(ones([4, 8]), ones([2, 8])).toArray());",
    );
    expect(modules).toEqual(
      expect.arrayContaining([
        'kernels/prefer-wasm.ts',
        'kernels/wasm-backend.ts',
        'kernels/wasm-matmul.ts',
        'wasm/instance.ts',
        'wasm/sgemm.generated.ts',
      ]),
    );
  });
});
