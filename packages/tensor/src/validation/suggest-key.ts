/**
 * "Did you mean" for unknown option keys: PyTorch/D2L/Keras aliases, snake_case → camelCase, case
 * and prefix matches, then edit distance. Kept apart from check-options.ts so that a page that
 * only checks options does not ship it; loading this module installs it in `checkOptions`.
 */
import { provideKeySuggester } from './check-options.js';

/** Names users bring from PyTorch, D2L or Keras → attnkit's key (used when that key is declared). */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  causal: ['isCausal'],
  is_causal: ['isCausal'],
  attn_mask: ['mask'],
  attnMask: ['mask'],
  keepdim: ['keepDim'],
  keepdims: ['keepDim'],
  dim: ['axis'],
  beta1: ['betas'],
  beta2: ['betas'],
  numLayers: ['numBlks', 'numBlocks', 'numLayers'],
  num_layers: ['numBlks', 'numBlocks', 'numLayers'],
  nLayers: ['numBlks', 'numBlocks', 'numLayers'],
  numBlocks: ['numBlks'],
  interleave: ['interleaved'],
  hiddenSize: ['numHiddens'],
  embedDim: ['numHiddens'],
  nHeads: ['numHeads'],
  dropoutRate: ['dropout'],
  p: ['dropout'],
  learningRate: ['lr'],
  learning_rate: ['lr'],
  reduce: ['reduction'],
  size_average: ['reduction'],
};

/** `num_heads` → `numHeads`. */
export function snakeToCamel(name: string): string {
  return name.replace(/_+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * The declared key a mistyped `name` most likely means: a known alias, the camelCase of a
 * snake_case name, a case-insensitive match, or a key within edit distance 2 (1 for short names).
 */
export function suggestKey(
  name: string,
  keys: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): string | undefined {
  const own = aliases[name];
  if (own !== undefined && keys.includes(own)) return own;
  const shared = Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined;
  const alias = shared?.find((k) => keys.includes(k));
  if (alias !== undefined) return alias;
  const camel = snakeToCamel(name);
  if (keys.includes(camel)) return camel;
  const lower = name.toLowerCase().replace(/_/g, '');
  const ci = keys.find((k) => k.toLowerCase() === lower);
  if (ci !== undefined) return ci;
  if (lower.length >= 3) {
    const prefix = keys.find((k) => k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase()));
    if (prefix !== undefined) return prefix;
  }
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of keys) {
    const d = editDistance(camel.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  const allowed = Math.min(2, Math.floor(Math.max(name.length, 2) / 3));
  return bestD <= allowed ? best : undefined;
}

provideKeySuggester(suggestKey);
