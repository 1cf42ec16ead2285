/**
 * Rewrites a WebAssembly binary that defines its own memory (`(memory (export "memory") 1)`) into
 * the same module importing a shared one as `env.memory` (`(memory 1 65536 shared)`, the threads
 * proposal), which is what the worker pool instantiates on every thread. Deriving it at run time
 * instead of embedding a second binary halves what the kernels cost a bundle; the bytes equal
 * wabt's compilation of the shared form (src/wasm/shared-memory.test.ts).
 *
 * Only the module header changes: the memory section (id 5) is dropped and an import section
 * (id 2) holding the memory is placed after the type section. Code, exports (`memory` then names
 * the imported memory, index 0) and everything else are copied unchanged.
 * @throws Error when the binary has imports already or does not define exactly one memory
 *   (src/wasm/*.wat never do; the check guards the build).
 */
export function sharedMemoryVariant(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const sections: { id: number; start: number; end: number }[] = [];
  let at = 8; // magic + version
  while (at < bytes.length) {
    const id = bytes[at] as number;
    const [size, payload] = readU32(bytes, at + 1);
    sections.push({ id, start: at, end: payload + size });
    at = payload + size;
  }
  const memory = sections.find((s) => s.id === 5);
  if (sections.some((s) => s.id === 2) || memory === undefined) {
    throw new Error('sharedMemoryVariant: expected a module with one own memory and no imports.');
  }
  // One import: "env" "memory", kind memory (2), limits: shared + maximum (3), min 1, max 65536.
  const entry = [1, 3, ...utf8('env'), 6, ...utf8('memory'), 2, 3, 1, 0x80, 0x80, 0x04];
  const importSection = [2, entry.length, ...entry];
  const out: number[] = Array.from(bytes.subarray(0, 8));
  let placed = false;
  for (const s of sections) {
    if (s === memory) continue;
    // Sections are ordered by id (custom sections, id 0, aside): imports go before the first id > 2.
    if (!placed && s.id > 2) {
      out.push(...importSection);
      placed = true;
    }
    out.push(...bytes.subarray(s.start, s.end));
  }
  return Uint8Array.from(out);
}

function utf8(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}

/** An unsigned LEB128 at `at`: its value and the offset after it. */
function readU32(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++] as number;
    value |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [value >>> 0, at];
    shift += 7;
  }
}
