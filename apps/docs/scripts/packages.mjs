// The publishable packages with a page in the docs, in layering order: the sidebar
// (.vitepress/config.mts) and the API reference generator (gen-api.mjs) both read this list.
export const PACKAGES = [
  'tensor',
  'testing',
  'layers',
  'masking',
  'scoring',
  'positional',
  'multihead',
  'transformer',
  'training',
  'plot',
  'seq2seq',
];
