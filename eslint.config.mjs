// ESLint: the runtime boundaries of STYLE.md section 1 as no-restricted-imports per folder,
// plus the few rules that catch real bugs (floating promises, import cycles, unscoped deletes).
import js from '@eslint/js';
import drizzle from 'eslint-plugin-drizzle';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http',
  'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'tls', 'url', 'util',
  'worker_threads', 'zlib',
].flatMap((name) => [name, `node:${name}`]);

const pattern = (group, message) => ({ group, message });
const noBuiltins = { paths: NODE_BUILTINS.map((name) => ({ name, message: 'Runs in the browser and in Temporal workflows: no Node built-ins.' })) };
const noFramework = [
  pattern(['react', 'react-dom', 'next', 'next/*', '@xyflow/*'], 'No UI frameworks here.'),
  pattern(['@temporalio/*'], 'No Temporal here: the engine is pure.'),
  pattern(['**/db/**', '**/db'], 'No database access here.'),
  pattern(['**/effect', '**/effect.ts', '**/effects', '**/effects.ts'], 'Effects are worker-only: import them from temporal/activities.'),
];
const workflowPatterns = [
  pattern(['**/db/**', '**/db'], 'Workflows are deterministic: database access goes through activities.'),
  pattern(['**/effect', '**/effect.ts', '**/effects', '**/effects.ts'], 'Effects run in activities, not in workflows.'),
  pattern(['@temporalio/worker', '@temporalio/client', '@temporalio/activity'], 'Workflow code imports @temporalio/workflow only.'),
  { group: ['**/activities', '**/activities/**'], allowTypeImports: true, message: 'Import activities with `import type` only.' },
  { group: ['**/domain', '**/domain/**'], allowTypeImports: true, message: 'Workflows take only types from domain/: its services do I/O, which belongs in activities.' },
  pattern(['**/app', '**/app/**'], 'Workflows never import the web app.'),
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.next/**', '.data/**', 'bench-results/**', 'next-env.d.ts', 'db/migrations/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX, drizzle },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { maxDepth: 4 }],
      'drizzle/enforce-delete-with-where': ['error', { drizzleObjectName: ['db', 'tx'] }],
      'drizzle/enforce-update-with-where': ['error', { drizzleObjectName: ['db', 'tx'] }],
    },
  },
  { files: ['**/*.{js,mjs}'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['flows-engine/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { ...noBuiltins, patterns: noFramework }] },
  },
  {
    files: ['nodes/*/definition.ts', 'nodes/registry.ts', 'nodes/define-node.ts'],
    rules: { 'no-restricted-imports': ['error', { ...noBuiltins, patterns: noFramework }] },
  },
  {
    files: ['temporal/workflows/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noBuiltins,
          patterns: [
            ...workflowPatterns,
            {
              group: ['**/flows-engine', '**/flows-engine/**', '**/nodes', '**/nodes/**'],
              allowTypeImports: true,
              message: 'Take the engine from sharedEngine() (shared-engine.ts): a value import evaluates it again for every run.',
            },
          ],
        },
      ],
    },
  },
  {
    // The one module the shared engine loads (once per worker).
    files: ['temporal/workflows/engine.ts'],
    rules: { 'no-restricted-imports': ['error', { ...noBuiltins, patterns: workflowPatterns }] },
  },
  {
    // The web app is a shell over domain/: its only door into the worker's side is temporal/api/.
    // (Integration tests under app/ drive a real relay and worker, as the worker does.)
    files: ['app/**/*.{ts,tsx}'],
    ignores: ['**/*.int.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            pattern(['@temporalio/worker', '@temporalio/testing', '@temporalio/workflow', '@temporalio/activity'], 'Next.js uses @temporalio/client only (through temporal/api/); the worker is its own process.'),
            pattern(['**/effect', '**/effect.ts', '**/effects', '**/effects.ts'], 'Effects are worker-only: a test run with real effects goes through domain/connectors/real-effects.ts.'),
            pattern(['**/temporal/**', '!**/temporal/api', '!**/temporal/api/**'], 'The web app reaches the worker side only through temporal/api/; shared services live in domain/.'),
          ],
        },
      ],
    },
  },
  {
    // domain/: the services both processes use, free of every framework (STYLE.md section 1).
    files: ['domain/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            pattern(['next', 'next/*', 'react', 'react-dom', '@xyflow/*'], 'domain/ is shared by the web app and the worker: no UI framework.'),
            pattern(['@trpc/*'], 'domain/ knows no tRPC: throw domain errors (platform/errors.ts); app/_server/trpc maps them.'),
            pattern(['@temporalio/*'], 'domain/ knows no Temporal: the worker calls it from activities; pass what it needs (workspace, attempt) explicitly.'),
            pattern(['server-only'], 'domain/ runs in the worker too.'),
            pattern(['**/app', '**/app/**'], 'domain/ never imports the web app.'),
            pattern(['**/temporal', '**/temporal/**'], 'domain/ never imports the worker.'),
            pattern(['**/scripts/**', '**/examples/**', '**/tests/**'], 'domain/ imports db/, flows-engine/ and nodes/ only.'),
          ],
        },
      ],
    },
  },
  {
    // The worker is a shell over domain/ too, and never reaches into the web app.
    files: ['temporal/**/*.ts'],
    ignores: ['**/*.test.ts', 'temporal/workflows/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [pattern(['**/app', '**/app/**'], 'temporal/ never imports the web app: shared services live in domain/.')] },
      ],
    },
  },
);
