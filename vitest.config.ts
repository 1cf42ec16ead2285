import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources of every workspace package, so one run sees one Tensor class.
    alias: [
      { find: /^@attnkit\/([a-z-]+)\/node$/, replacement: `${root}packages/$1/src/node/index.ts` },
      { find: /^@attnkit\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
    ],
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
    ],
    setupFiles: [`${root}vitest.setup.ts`],
    testTimeout: 60_000,
    pool: 'threads',
  },
});
