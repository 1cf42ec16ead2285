import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, tensor } from '@attnkit/tensor';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectAllClose } from '../../test/helpers.js';
import { serializeSafetensors } from '../serialize-safetensors.js';
import { loadSafetensors } from './load-safetensors.js';
import { saveSafetensors } from './save-safetensors.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'attnkit-load-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('loadSafetensors', () => {
  it('reads back what saveSafetensors wrote', async () => {
    const path = join(dir, 'model.safetensors');
    await saveSafetensors(
      path,
      { w: tensor([[0.5, -1]], { dtype: 'float64' }), keep: tensor([true, false]) },
      { step: '3' },
    );
    const { tensors, metadata } = await loadSafetensors(path);
    expect(metadata).toEqual({ step: '3' });
    expectAllClose(tensors.w!, [0.5, -1], 0, 0);
    expect(tensors.keep!.toArray()).toEqual([true, false]);
  });

  it('reads the file written by tools/golden/training.py through a file URL', async () => {
    const { tensors } = await loadSafetensors(
      new URL('../../test/fixtures/torch-writable.safetensors', import.meta.url),
    );
    expect(tensors.positions!.toArray()).toEqual([3, 1, 4]);
  });

  it('rejects with InvalidArgumentError naming the file for a truncated file', async () => {
    const path = join(dir, 'cut.safetensors');
    writeFileSync(path, serializeSafetensors({ w: tensor([1, 2, 3]) }).subarray(0, 40));
    await expect(loadSafetensors(path)).rejects.toThrow(InvalidArgumentError);
    await expect(loadSafetensors(path)).rejects.toThrow(`loadSafetensors: ${path}: header length`);
  });

  it('rejects with ENOENT for a missing file', async () => {
    await expect(loadSafetensors(join(dir, 'nope.safetensors'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
