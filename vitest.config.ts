import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Three projects, all run by `npm test` (`vitest run`):
 *   unit         *.test.ts(x) in flows-engine/, nodes/, app/, db/, domain/, temporal/, scripts/ (no infrastructure)
 *   integration  **\/*.int.test.ts: real PostgreSQL + Temporal dev server from tests/setup/global-setup.ts
 *   e2e          tests/e2e/**\/*.e2e.test.ts: sequential, generous timeouts, same global setup
 *   scale        tests/scale/**\/*.scale.test.ts: the production Temporal server on PostgreSQL (built with Go
 *                when not cached), two web instances and two workers; last, on its own
 * One project: `vitest run --project unit`.
 */
const root = path.dirname(fileURLToPath(import.meta.url));
const ignored = ['**/node_modules/**', '**/.next/**', '**/.data/**', '**/dist/**', 'bench-results/**', 'test-results/**'];
const globalSetup = ['./tests/setup/global-setup.ts'];

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${root}/` },
      // `server-only` throws unless resolved with the react-server condition; tests run server code directly.
      { find: /^server-only$/, replacement: `${root}/tests/support/server-only.ts` },
    ],
  },
  test: {
    passWithNoTests: true,
    teardownTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['{flows-engine,nodes,app,db,domain,temporal,scripts}/**/*.test.{ts,tsx}'],
          exclude: [...ignored, '**/*.int.test.*', '**/*.e2e.test.*'],
          testTimeout: 10_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          environment: 'node',
          include: ['**/*.int.test.{ts,tsx}'],
          exclude: ignored,
          globalSetup,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.e2e.test.ts'],
          exclude: ignored,
          globalSetup: [...globalSetup, './tests/setup/e2e-build.ts'],
          // Every e2e test fails on an uncaught page error or a console error (tests/support/browser.ts).
          setupFiles: ['./tests/setup/browser-errors.ts'],
          fileParallelism: false,
          // After unit + integration, so the browser and the app do not compete with them for 2 cores.
          sequence: { groupOrder: 1 },
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'scale',
          environment: 'node',
          include: ['tests/scale/**/*.scale.test.ts'],
          exclude: ignored,
          globalSetup: [...globalSetup, './tests/setup/e2e-build.ts', './tests/setup/temporal-server-build.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 2 },
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
