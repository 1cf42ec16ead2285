import type { FloatArray, ParamState } from '../optimizer.js';

/** The buffer `name` of `state`, created as zeros of `like`'s type on first use (PyTorch `zeros_like(param)`). */
export function stateBuffer(state: ParamState, name: string, like: FloatArray): FloatArray {
  let buf = state.buffers.get(name);
  if (buf === undefined) {
    buf = like instanceof Float32Array ? new Float32Array(like.length) : new Float64Array(like.length);
    state.buffers.set(name, buf);
  }
  return buf;
}
