import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import wabt from 'wabt';
import { decodeBase64 } from './decode.js';
import { SGEMM_RELAXED_WASM_BASE64, SGEMM_WASM_BASE64 } from './sgemm.generated.js';
import { sharedMemoryVariant } from './shared-memory.js';

type Compile = (
  w: unknown,
  name: string,
  text: string,
  options?: { relaxed?: boolean; shared?: boolean },
) => Uint8Array;

describe('sharedMemoryVariant', () => {
  it("equals wabt's compilation of the shared-memory form, for both builds, and the embedded bytes are current", async () => {
    const { compile } = (await import(new URL('../../scripts/build-wasm.mjs', import.meta.url).href)) as {
      compile: Compile;
    };
    const w = await wabt();
    const text = readFileSync(new URL('./sgemm.wat', import.meta.url), 'utf8');
    for (const relaxed of [false, true]) {
      const embedded = decodeBase64(relaxed ? SGEMM_RELAXED_WASM_BASE64 : SGEMM_WASM_BASE64);
      expect(Array.from(embedded)).toEqual(Array.from(compile(w, 'sgemm', text, { relaxed })));
      const shared = compile(w, 'sgemm', text, { relaxed, shared: true });
      expect(Array.from(sharedMemoryVariant(embedded))).toEqual(Array.from(shared));
    }
  });

  it('refuses a module without its own memory', () => {
    const empty = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    expect(() => sharedMemoryVariant(empty)).toThrow(/expected a module with one own memory/);
  });
});
