/**
 * The libraries under comparison, loaded once per run. A peer that fails to load is dropped with
 * the reason (it shows up in the report), never silently. Every library is set to one thread.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '@attnkit/tensor';
import { TorchTwins } from './torch.js';

export type LibraryName =
  | 'attnkit'
  | 'attnkit-fused'
  | 'tfjs-cpu'
  | 'tfjs-wasm'
  | 'ort-node'
  | 'ort-web'
  | 'pytorch';

export const LIBRARIES: readonly LibraryName[] = [
  'attnkit',
  'attnkit-fused',
  'tfjs-cpu',
  'tfjs-wasm',
  'ort-node',
  'ort-web',
  'pytorch',
];

/** attnkit's fused (FlashAttention-style) forward, `fusedAttention(q, k, v, { isCausal })`. */
export type FusedAttention = (
  queries: Tensor,
  keys: Tensor,
  values: Tensor,
  options: { isCausal?: boolean },
) => Tensor;

export type Tf = typeof import('@tensorflow/tfjs-core');
export type OrtNode = typeof import('onnxruntime-node');
export type OrtWeb = typeof import('onnxruntime-web');

export interface Libraries {
  tf: Tf | null;
  ortNode: OrtNode | null;
  ortWeb: OrtWeb | null;
  /** Versions of what loaded. */
  versions: Record<string, string>;
  /** Libraries that could not be loaded, with the reason. */
  dropped: Partial<Record<LibraryName, string>>;
  /** Thread count each library runs with. */
  threads: Partial<Record<LibraryName, string>>;
  /** Threads of the current pass: 1, then 2 for attnkit and ort-node once attnkit can use workers. */
  threadCount: number;
  /** attnkit's thread control, when @attnkit/tensor exports one; see {@link attnkitThreadControl}. */
  setAttnkitThreads: ((n: number) => unknown) | null;
  /** `fusedAttention` of @attnkit/tensor when this build exports it (the `attnkit-fused` column). */
  attnkitFused: FusedAttention | null;
  /**
   * The PyTorch twins (bench/python/twins.py in `/usr/bin/python3`) of the mha and train suites,
   * when torch imports; they follow the pass's thread count (`torch.set_num_threads`).
   */
  torch: TorchTwins | null;
}

/**
 * attnkit's thread control: the bench looks for a `setNumThreads(n)` export of @attnkit/tensor
 * (as torch.set_num_threads). Until one exists every figure is single-threaded; once it does,
 * run.ts adds a 2-thread pass for attnkit and ort-node (tfjs-wasm and ort-web fix their thread
 * count when they start, so they stay at 1).
 */
export async function attnkitThreadControl(): Promise<((n: number) => unknown) | null> {
  const mod = (await import('@attnkit/tensor')) as unknown as Record<string, unknown>;
  const control = mod.setNumThreads;
  return typeof control === 'function' ? (n: number) => (control as (n: number) => unknown)(n) : null;
}

const require = createRequire(import.meta.url);

/** The installed version of `pkg`, read from the package.json above its resolved entry point. */
function version(pkg: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(pkg)));
  for (;;) {
    try {
      const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version: string;
      };
      if (json.name === pkg) return json.version;
    } catch {
      // No package.json here; keep walking up.
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

function reason(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);
}

export async function loadLibraries(): Promise<Libraries> {
  // Optional exports are looked up by name, so the bench runs against any build of attnkit.
  const attnkit = (await import('@attnkit/tensor')) as unknown as Record<string, unknown>;
  const libs: Libraries = {
    tf: null,
    ortNode: null,
    ortWeb: null,
    versions: { '@attnkit/tensor': version('@attnkit/tensor') },
    dropped: {},
    threads: { attnkit: '1 (main thread; attnkit has no threads option yet)' },
    threadCount: 1,
    setAttnkitThreads: await attnkitThreadControl(),
    attnkitFused:
      typeof attnkit.fusedAttention === 'function' ? (attnkit.fusedAttention as FusedAttention) : null,
    torch: null,
  };
  if (libs.attnkitFused === null) {
    libs.dropped['attnkit-fused'] = 'this build of @attnkit/tensor exports no fusedAttention';
  }
  if (libs.setAttnkitThreads !== null) {
    await libs.setAttnkitThreads(1);
    libs.threads.attnkit = '1 (setNumThreads(1)), then 2 in a second pass';
  }
  if (typeof attnkit.getBackend === 'function') {
    // A string in older builds, a Backend object with a name since the backend became a value.
    const active = (attnkit.getBackend as () => string | { name: string })();
    const name = typeof active === 'string' ? active : active.name;
    libs.threads.attnkit += `; matmul backend '${name}' (getBackend())`;
  }
  if (typeof attnkit.wasmVariant === 'function') {
    libs.threads.attnkit += `; WebAssembly kernels '${(attnkit.wasmVariant as () => string)()}' (wasmVariant())`;
  }

  try {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    // tfjs-core alone registers no gradients; the @tensorflow/tfjs union package registers them all
    // (its bundle imports tfjs-core/dist/register_all_gradients, which node cannot import directly).
    await import('@tensorflow/tfjs');
    libs.tf = tf;
    libs.versions['@tensorflow/tfjs'] = version('@tensorflow/tfjs');
    libs.versions['@tensorflow/tfjs-core'] = version('@tensorflow/tfjs-core');
    libs.versions['@tensorflow/tfjs-backend-cpu'] = version('@tensorflow/tfjs-backend-cpu');
    libs.threads['tfjs-cpu'] = '1 (plain JavaScript)';
    if (!(await tf.setBackend('cpu'))) throw new Error('tf.setBackend("cpu") returned false');
  } catch (e) {
    libs.dropped['tfjs-cpu'] = reason(e);
    libs.dropped['tfjs-wasm'] = reason(e);
  }
  if (libs.tf !== null) {
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // The .wasm binaries ship inside the npm package; load them from node_modules.
      const dir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist/');
      wasm.setWasmPaths(dir);
      wasm.setThreadsCount(1);
      if (!(await libs.tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
      const simd = libs.tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
      libs.threads['tfjs-wasm'] =
        `${wasm.getThreadsCount()} (setThreadsCount(1); SIMD ${simd ? 'on' : 'off'})`;
      libs.versions['@tensorflow/tfjs-backend-wasm'] = version('@tensorflow/tfjs-backend-wasm');
      await libs.tf.setBackend('cpu');
    } catch (e) {
      libs.dropped['tfjs-wasm'] = reason(e);
    }
  }

  const twins = await TorchTwins.start();
  if (typeof twins === 'string') libs.dropped.pytorch = twins;
  else {
    libs.torch = twins;
    libs.versions.torch = twins.info.torch;
    libs.threads.pytorch = `1 (torch.set_num_threads(1)), then 2 in the second pass; ${twins.describe()}`;
  }

  try {
    libs.ortNode = await import('onnxruntime-node');
    libs.versions['onnxruntime-node'] = version('onnxruntime-node');
    libs.threads['ort-node'] =
      `1 (intraOpNumThreads 1, interOpNumThreads 1, sequential)${libs.setAttnkitThreads === null ? '' : ', then intraOpNumThreads 2'}`;
  } catch (e) {
    libs.dropped['ort-node'] = reason(e);
  }
  try {
    const ortWeb = await import('onnxruntime-web');
    ortWeb.env.wasm.numThreads = 1;
    libs.ortWeb = ortWeb;
    libs.versions['onnxruntime-web'] = version('onnxruntime-web');
    libs.threads['ort-web'] = '1 (env.wasm.numThreads 1, wasm SIMD build)';
  } catch (e) {
    libs.dropped['ort-web'] = reason(e);
  }
  return libs;
}

/** Session options of the ONNX Runtime peers: one thread, all graph optimisations. */
export function ortNodeOptions(threads: number): import('onnxruntime-node').InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
}

export function ortWebOptions(): import('onnxruntime-web').InferenceSession.SessionOptions {
  return { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
}
