import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../../../scripts/check-cycles.mjs', import.meta.url));

describe('kernel layer imports', () => {
  it('has no import cycle through src/kernels, src/wasm or src/threads', () => {
    // Exits non-zero (and execFileSync throws with its output) on a cycle.
    expect(execFileSync(process.execPath, [script], { encoding: 'utf8' })).toContain('no cycle');
  });
});
