import {
  abs,
  Generator,
  getBackend,
  jsBackend,
  matmul,
  max,
  randn,
  setBackend,
  sub,
  wasmBackend,
} from '@attnkit/tensor';

export function main() {
  const rng = new Generator(0);
  const a = randn([256, 256], { rng });
  const b = randn([256, 256], { rng });
  // 'wasm' wherever the engine has WebAssembly SIMD (Node ≥ 16, current
  // browsers), else 'js'.
  console.log('default backend:', getBackend().name);
  const fast = matmul(a, b); // WebAssembly SIMD SGEMM, float32 accumulation

  setBackend(jsBackend); // or by name: setBackend('js')
  // JavaScript kernel, float64 accumulation, one rounding at the end
  const careful = matmul(a, b);
  setBackend(wasmBackend); // back to the default

  const relative =
    max(abs(sub(fast, careful))).item() / max(abs(careful)).item();
  console.log(`max |wasm − js| / max |js| < 1e-5: ${relative < 1e-5}`);
}
// expect: default backend: wasm
// expect: max |wasm − js| / max |js| < 1e-5: true
