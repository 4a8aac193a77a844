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
    files: ['app/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            pattern(['@temporalio/worker', '@temporalio/testing', '@temporalio/workflow'], 'Next.js uses @temporalio/client only; the worker is its own process.'),
            pattern(['**/effect', '**/effect.ts', '**/effects', '**/effects.ts', '**/temporal/activities', '**/temporal/activities/**'], 'Effects and activities are worker-only.'),
          ],
        },
      ],
    },
  },
);
