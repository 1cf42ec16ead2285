import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError, type Tensor, tensor } from '@attnkit/tensor';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSafetensors } from '../parse-safetensors.js';
import { serializeSafetensors } from '../serialize-safetensors.js';
import { saveSafetensors } from './save-safetensors.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'attnkit-save-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('saveSafetensors', () => {
  it('writes exactly the bytes of serializeSafetensors and leaves no temporary file', async () => {
    const state = {
      'layer.weight': tensor([
        [1, 2],
        [3, 4],
      ]),
      steps: tensor([7], { dtype: 'int32' }),
    };
    const path = join(dir, 'model.safetensors');
    await saveSafetensors(path, state, { format: 'pt' });
    expect(Array.from(readFileSync(path))).toEqual(Array.from(serializeSafetensors(state, { format: 'pt' })));
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('accepts a file URL and replaces an existing file', async () => {
    const url = pathToFileURL(join(dir, 'm.safetensors'));
    await saveSafetensors(url, { a: tensor([1]) });
    await saveSafetensors(url, { b: tensor([2, 3]) });
    expect(Object.keys(parseSafetensors(readFileSync(url)).tensors)).toEqual(['b']);
  });

  it('rejects with InvalidArgumentError for an invalid state dict and writes nothing', async () => {
    const path = join(dir, 'bad.safetensors');
    await expect(saveSafetensors(path, { w: 'x' as unknown as Tensor })).rejects.toThrow(
      InvalidArgumentError,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects with the file-system error when the directory does not exist, leaving nothing behind', async () => {
    await expect(
      saveSafetensors(join(dir, 'missing', 'm.safetensors'), { a: tensor([1]) }),
    ).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(readdirSync(dir)).toEqual([]);
  });
});
