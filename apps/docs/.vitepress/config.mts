import { defineConfig } from 'vitepress';
import { PACKAGES } from '../scripts/packages.mjs';

/** Cross-origin isolation: SharedArrayBuffer for setNumThreads in the snippets; the e2e server sends the same headers. */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export const guide = [
  { text: 'Getting started', link: '/getting-started' },
  { text: 'Queries, keys and values', link: '/guide/queries-keys-values' },
  { text: 'Attention pooling', link: '/guide/attention-pooling' },
  { text: 'Scoring functions', link: '/guide/scoring-functions' },
  { text: 'Multi-head attention', link: '/guide/multi-head-attention' },
  { text: 'Self-attention and positional encoding', link: '/guide/self-attention-and-positional-encoding' },
  { text: 'Transformer modules', link: '/guide/transformer' },
  { text: 'Bahdanau attention', link: '/guide/bahdanau-attention' },
  { text: 'The Transformer encoder–decoder', link: '/guide/transformer-encoder-decoder' },
  { text: 'Masks and their conventions', link: '/guide/masks' },
  { text: 'Weights to and from PyTorch', link: '/guide/pytorch-interop' },
  { text: 'Performance', link: '/guide/performance' },
];

export const packages = PACKAGES.map((name) => ({ text: `@attnkit/${name}`, link: `/packages/${name}` }));

export default defineConfig({
  title: 'attnkit',
  description: 'The attention mechanisms of D2L as small TypeScript packages, matching PyTorch.',
  lang: 'en-US',
  cleanUrls: false,
  lastUpdated: false,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/logo.svg' }]],
  srcExclude: [
    '**/README.md',
    'snippets/**',
    'runtime/**',
    'test/**',
    'e2e/**',
    'scripts/**',
    '.generated/**',
  ],
  markdown: {
    math: false,
    lineNumbers: false,
  },
  themeConfig: {
    logo: '/logo.svg',
    nav: [
      { text: 'Guide', link: '/getting-started' },
      { text: 'Packages', link: '/packages/tensor' },
    ],
    sidebar: [
      { text: 'Guide', items: guide },
      { text: 'Packages', items: packages },
    ],
    outline: [2, 3],
    search: { provider: 'local' },
    footer: { message: 'MIT licensed. Follows D2L, "Attention Mechanisms and Transformers".' },
  },
  vite: {
    worker: { format: 'es' },
    server: { headers: isolation },
    preview: { headers: isolation },
    build: { chunkSizeWarningLimit: 1500 },
  },
});
