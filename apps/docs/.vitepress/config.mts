import { existsSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitepress';
import { readerSource } from '../runtime/reader-source.js';
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
  { text: 'Errors and limits', link: '/guide/errors-and-limits' },
];

/** The API pages' sidebars, one per package, written by scripts/gen-api.mjs before every build. */
const apiSidebarFile = new URL('../.generated/api-sidebar.json', import.meta.url);
const apiSidebar: Record<string, unknown[]> = existsSync(apiSidebarFile)
  ? JSON.parse(readFileSync(apiSidebarFile, 'utf8'))
  : {};

export const packages = PACKAGES.map((name) => ({ text: `@attnkit/${name}`, link: `/packages/${name}` }));

export default defineConfig({
  title: 'attnkit',
  description: 'The attention mechanisms of D2L as small TypeScript packages, matching PyTorch.',
  lang: 'en-US',
  cleanUrls: false,
  lastUpdated: false,
  // Files in public/ (e.g. the interop page's checkpoint) are served as they are, not as pages.
  ignoreDeadLinks: [/^\/checkpoints\//],
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
    // LaTeX in $…$ and $$…$$, rendered to SVG at build time (markdown-it-mathjax3).
    math: true,
    lineNumbers: false,
    config(md) {
      // `<<< @/snippets/…` blocks show what readers need: the test-only comments are dropped.
      const fence = md.renderer.rules.fence!;
      md.renderer.rules.fence = (tokens, idx, options, env, self) => {
        const token = tokens[idx]! as (typeof tokens)[number] & { src?: [string, string] | undefined };
        const [src, region] = token.src ?? [];
        if (src && !region && /\.(ts|py)$/.test(src)) {
          (env as { includes?: string[] }).includes?.push(src);
          token.content = readerSource(readFileSync(src, 'utf8').replace(/\r\n/g, '\n'));
          token.src = undefined;
        }
        return fence(tokens, idx, options, env, self);
      };
    },
  },
  themeConfig: {
    logo: '/logo.svg',
    nav: [
      { text: 'Guide', link: '/getting-started' },
      { text: 'Packages', link: '/packages/tensor' },
    ],
    sidebar: {
      ...apiSidebar,
      '/': [
        { text: 'Guide', items: guide },
        { text: 'Packages', items: packages },
      ],
    },
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
