/**
 * The public surface of the flow engine. Pure TypeScript: zod, jsonata and these files only.
 */
export * from './result';
export * from './errors';
export * from './issues';
export * from './schema';
export * from './path';
export * from './payload';
export * from './condition-schema';
export * from './condition-compile';
export * from './regex-guard';
export * from './expressions';
export { BAIL, compileFastPath, type FastFn, type FastVars } from './expression-fast-path';
export * from './expression-refs';
export * from './define-node';
export * from './node-registry';
export * from './describe-config';
export * from './graph';
export * from './zod-issues';
export * from './resolve-config';
export * from './trace';
export * from './interpreter';
export * from './dry-run';
export * from './validate-draft';
export * from './validate-publish';
export * from './validate-config';
export * from './export-import';
export * from './field-path';
export * from './field-labels';
