import { InvalidArgumentError, randn, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSafetensors } from './parse-safetensors.js';
import { parseSafetensorsStream } from './parse-safetensors-stream.js';
import { serializeSafetensors } from './serialize-safetensors.js';

const file = serializeSafetensors(
  {
    'encoder.weight': randn([3, 4]),
    'encoder.bias': tensor([1, 2, 3], { dtype: 'float64' }),
    lens: tensor([2, 5], { dtype: 'int32' }),
  },
  { format: 'pt' },
);

/** A ReadableStream that hands out `bytes` in chunks of `size`, one per pull (as a network does). */
function streamOf(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) controller.close();
      else {
        controller.enqueue(bytes.slice(at, at + size));
        at += size;
      }
    },
  });
}

function valuesOf(parsed: { tensors: Record<string, { toArray(): unknown }> }): Record<string, unknown> {
  return Object.fromEntries(Object.entries(parsed.tensors).map(([k, t]) => [k, t.toArray()]));
}

describe('parseSafetensorsStream', () => {
  it('reads a fetch Response over a ReadableStream exactly as parseSafetensors reads the bytes', async () => {
    const response = new Response(streamOf(file, 7), { headers: { 'content-length': String(file.length) } });
    const parsed = await parseSafetensorsStream(response);
    const expected = parseSafetensors(file);
    expect(valuesOf(parsed)).toEqual(valuesOf(expected));
    expect(parsed.metadata).toEqual({ format: 'pt' });
    expect(parsed.tensors.lens!.dtype).toBe('int32');
  });

  it('reports the header before the data arrives, then progress up to the file size', async () => {
    const events: string[] = [];
    await parseSafetensorsStream(streamOf(file, 16), {
      onHeader: (h) => events.push(`header ${Object.keys(h.tensors).sort().join(',')} ${h.totalBytes}`),
      onProgress: (received, total) => events.push(`${received}/${total}`),
    });
    expect(events[0]).toBe(`header encoder.bias,encoder.weight,lens ${file.length}`);
    expect(events.at(-1)).toBe(`${file.length}/${file.length}`);
    expect(events.length).toBeGreaterThan(3);
  });

  it('gives the same result for any chunking of an async iterable', async () => {
    const expected = valuesOf(parseSafetensors(file));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }),
        async (sizes) => {
          async function* chunks() {
            let at = 0;
            for (let i = 0; at < file.length; i++) {
              const size = sizes[i % sizes.length]!;
              yield i % 2 === 0 ? file.slice(at, at + size) : file.slice(at, at + size).buffer;
              at += size;
            }
          }
          expect(valuesOf(await parseSafetensorsStream(chunks()))).toEqual(expected);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('rejects a stream truncated in the length, the header or the data, saying how far it got', async () => {
    const header = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
    await expect(parseSafetensorsStream(streamOf(file.slice(0, 5), 3))).rejects.toThrow(
      /stream ended after 5 bytes, before the 8-byte header length/,
    );
    await expect(parseSafetensorsStream(streamOf(file.slice(0, 8 + header - 1), 9))).rejects.toThrow(
      /inside the header \(truncated\?\)/,
    );
    await expect(parseSafetensorsStream(streamOf(file.slice(0, file.length - 4), 9))).rejects.toThrow(
      new RegExp(`stream ended after ${file.length - 4} of ${file.length} bytes \\(truncated download\\?\\)`),
    );
    await expect(parseSafetensorsStream(streamOf(file.slice(0, file.length - 4), 9))).rejects.toThrow(
      InvalidArgumentError,
    );
  });

  it('rejects extra bytes, a Content-Length that disagrees, a failed response, maxBytes and bad options', async () => {
    const longer = new Uint8Array(file.length + 3);
    longer.set(file);
    await expect(parseSafetensorsStream(streamOf(longer, 10))).rejects.toThrow(/bytes past the/);
    const lying = new Response(streamOf(file, 10), {
      headers: { 'content-length': String(file.length + 1) },
    });
    await expect(parseSafetensorsStream(lying)).rejects.toThrow(/Content-Length is/);
    await expect(parseSafetensorsStream(new Response('missing', { status: 404 }))).rejects.toThrow(
      /status 404; expected 2xx/,
    );
    await expect(parseSafetensorsStream(streamOf(file, 10), { maxBytes: 64 })).rejects.toThrow(
      /more than maxBytes 64/,
    );
    await expect(parseSafetensorsStream(streamOf(file, 10), { maxByte: 1 } as never)).rejects.toThrow(
      /unknown option 'maxByte'/,
    );
    await expect(parseSafetensorsStream(file as never)).rejects.toThrow(/source must be a Response/);
  });

  it('passes on the errors of parseSafetensors for a corrupt header', async () => {
    const bad = file.slice();
    bad[8] = 0x5b; // '[': valid JSON but not an object
    await expect(parseSafetensorsStream(streamOf(bad, 10))).rejects.toThrow(InvalidArgumentError);
  });
});
