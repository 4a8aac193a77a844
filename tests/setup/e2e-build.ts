/**
 * Global setup of the e2e project: end-to-end tests run against the production build, so build it
 * when there is none or when any source file is newer than it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../db/embedded';

const SOURCES = ['app', 'domain', 'flows-engine', 'nodes', 'db', 'temporal', 'public', 'next.config.mjs', 'package-lock.json'];

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target).reduce((newest, entry) => Math.max(newest, newestMtime(path.join(target, entry))), stat.mtimeMs);
}

export default function buildForE2e(): void {
  const buildId = path.join(projectRoot, '.next', 'BUILD_ID');
  const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const changedAt = Math.max(...SOURCES.map((s) => newestMtime(path.join(projectRoot, s))));
  if (builtAt > changedAt) return;
  process.stderr.write('[e2e] building the production app (next build)...\n');
  const started = Date.now();
  const result = spawnSync(path.join(projectRoot, 'node_modules', '.bin', 'next'), ['build'], {
    cwd: projectRoot,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`next build failed:\n${result.stdout}\n${result.stderr}`);
  process.stderr.write(`[e2e] built in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}
