/**
 * The worker's workflow bundle, built once and kept on disk. Bundling (webpack, inside the worker)
 * takes tens of seconds on a busy machine and leaves ~170 MB of its working memory in the worker for
 * good; a bundle newer than every source it could contain is loaded instead. `npm run build` writes it
 * up front; otherwise the first worker to start writes it for the next.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';

const root = fileURLToPath(new URL('..', import.meta.url));
export const WORKFLOWS_ENTRY = path.join(root, 'temporal', 'workflows', 'index.ts');
export const WORKFLOW_BUNDLE_FILE = path.join(root, 'node_modules', '.cache', 'syncline', 'workflow-bundle.js');
/**
 * Modules evaluated once per worker instead of once per workflow (with `reuseV8Context` the SDK
 * gives each workflow fresh module instances, and re-running zod's and JSONata's module code was a
 * large part of every run's CPU). Only stateless modules qualify: the SDK deep-freezes what is
 * preloaded. Our engine modules cannot be: they build zod schemas at import time, and a frozen zod
 * schema fails on first use (zod defines its methods lazily on each instance); `shared-engine.ts`
 * is preloaded instead and keeps them, loaded once and unfrozen, in a closure.
 */
export const PRELOADED_MODULES = ['zod', 'jsonata', path.join(root, 'temporal', 'workflows', 'shared-engine.ts')];

/** Options of every bundle of Syncline's workflows (the worker's and the tests'), so tests run what production runs. */
export const WORKFLOW_BUNDLE_OPTIONS = { workflowsPath: WORKFLOWS_ENTRY, preloadModules: PRELOADED_MODULES };

/** What a workflow may import (see ARCHITECTURE.md), and the lockfile for its dependencies. */
const SOURCES = ['temporal', 'flows-engine', 'nodes', 'package-lock.json'].map((s) => path.join(root, s));

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target).reduce((newest, entry) => Math.max(newest, newestMtime(path.join(target, entry))), stat.mtimeMs);
}

/** Bundles the workflows and writes the bundle file (atomically: workers starting together never read half of it). */
export async function writeWorkflowBundle(): Promise<string> {
  const { code } = await bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
  await mkdir(path.dirname(WORKFLOW_BUNDLE_FILE), { recursive: true });
  const partial = `${WORKFLOW_BUNDLE_FILE}.${process.pid}.tmp`;
  await writeFile(partial, code);
  await rename(partial, WORKFLOW_BUNDLE_FILE);
  return code;
}

async function bundleAndKeep(log: (line: string) => void): Promise<string> {
  try {
    return await writeWorkflowBundle();
  } catch (error) {
    // A read-only install still runs: it just bundles at every start.
    log(`could not keep the workflow bundle (${error instanceof Error ? error.message : String(error)}); bundling in memory`);
    const { code } = await bundleWorkflowCode(WORKFLOW_BUNDLE_OPTIONS);
    return code;
  }
}

/** The bundle on disk when it is newer than every source, otherwise a fresh one (written for next time). */
export async function workflowBundle(log: (line: string) => void): Promise<WorkflowBundleOption> {
  const builtAt = existsSync(WORKFLOW_BUNDLE_FILE) ? statSync(WORKFLOW_BUNDLE_FILE).mtimeMs : 0;
  if (builtAt > Math.max(...SOURCES.map(newestMtime))) return { codePath: WORKFLOW_BUNDLE_FILE };
  log('bundling the workflows (sources changed since the last bundle)');
  return { code: await bundleAndKeep(log) };
}
