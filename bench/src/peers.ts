/**
 * Glue shared by the suites for the peer libraries: switching the tfjs backend, tfjs's own memory
 * high-water mark, and ONNX Runtime sessions.
 */
import type { Task } from './figure.js';
import type { Libraries, Tf } from './libs.js';
import { ortNodeOptions, ortWebOptions } from './libs.js';

export type TfBackend = 'cpu' | 'wasm';

/** Makes `backend` the active tfjs backend (tensors are created and run on it). */
export async function useBackend(tf: Tf, backend: TfBackend): Promise<void> {
  if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) {
    throw new Error(`tf.setBackend('${backend}') failed`);
  }
}

/** Task.profile for tfjs: the engine's peak tensor bytes during the call, minus those held before. */
export function tfProfile(tf: Tf): NonNullable<Task['profile']> {
  return async (call) => {
    const before = tf.memory().numBytes;
    let result: ArrayLike<number> = [];
    const info = await tf.profile(async () => {
      result = await call();
      return [];
    });
    return { result, extraBytes: info.peakBytes - before };
  };
}

/**
 * Runs a tfjs computation and downloads its result, disposing every tensor it made. The download
 * happens outside `tidy`: a typed array returned from `tidy` would be walked element by element
 * as a tensor container (tens of ms per call at these sizes).
 */
export function tfRun(tf: Tf, compute: () => import('@tensorflow/tfjs-core').Tensor): Float32Array {
  const out = tf.tidy(compute);
  const data = out.dataSync() as Float32Array;
  out.dispose();
  return data;
}

export interface OrtSession {
  run(feeds: Record<string, Float32Array>): Promise<Float32Array>;
  release(): Promise<void>;
}

/**
 * Creates an ONNX Runtime session (node or web) for `model` and returns a runner that feeds
 * float32 inputs of the given shapes and returns the single output's data.
 */
export async function ortSession(
  libs: Libraries,
  which: 'ort-node' | 'ort-web',
  model: Uint8Array,
  shapes: Record<string, readonly number[]>,
): Promise<OrtSession> {
  const ort = which === 'ort-node' ? libs.ortNode : libs.ortWeb;
  if (ort === null) throw new Error(`${which} is not loaded`);
  const session =
    which === 'ort-node'
      ? await libs.ortNode!.InferenceSession.create(model, ortNodeOptions(libs.threadCount))
      : await libs.ortWeb!.InferenceSession.create(model, ortWebOptions());
  const output = session.outputNames[0]!;
  return {
    async run(feeds) {
      const tensors: Record<string, InstanceType<typeof ort.Tensor>> = {};
      for (const [name, data] of Object.entries(feeds)) {
        tensors[name] = new ort.Tensor('float32', data, shapes[name]! as number[]);
      }
      const out = await session.run(tensors as never);
      return out[output]!.data as Float32Array;
    },
    release: () => session.release(),
  };
}
