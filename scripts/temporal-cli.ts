/**
 * Find (or install) the Temporal CLI, whose `temporal server start-dev` is Syncline's embedded Temporal server.
 *
 * Lookup order:
 *   1. TEMPORAL_CLI_PATH
 *   2. `temporal` on PATH
 *   3. the project cache: ${XDG_CACHE_HOME:-~/.cache}/syncline/temporal-v1.5.1/temporal
 *   4. `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` into that cache (when Go is installed;
 *      minutes the first time; Go's module/build caches make later builds fast)
 *   5. the Temporal SDK's own download (@temporalio/testing; needs internet access to temporal.download)
 *
 * CLI: `npm run temporal:cli` prints the path (installing if needed). `--quiet` prints only the path.
 * v1.5.1 is the newest tag `go install pkg@version` accepts (later go.mod files carry `replace` directives).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as TestingModule from '@temporalio/testing';
import { findGo, goInstall, isExecutable, onPath, synclineCacheDir } from './go-install';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

export interface FindTemporalCliOptions {
  /** Build or download when not found. Default true. */
  install?: boolean;
  /** Progress messages (install steps). Default: stderr. */
  onProgress?: (message: string) => void;
}

export class TemporalCliNotFoundError extends Error {
  override name = 'TemporalCliNotFoundError';
}

/** `${XDG_CACHE_HOME:-~/.cache}/syncline/temporal-v1.5.1` */
export function temporalCacheDir(): string {
  return synclineCacheDir(`temporal-${TEMPORAL_CLI_VERSION}`);
}

export function cachedTemporalCliPath(): string {
  return path.join(temporalCacheDir(), os.platform() === 'win32' ? 'temporal.exe' : 'temporal');
}

function helpText(extra: string[] = []): string {
  return [
    'The Temporal CLI (the Temporal dev server) was not found. Options:',
    '  - set TEMPORAL_CLI_PATH to an existing `temporal` binary, or put `temporal` on PATH',
    `    (https://docs.temporal.io/cli#install; e.g. \`brew install temporal\`, or the release archive);`,
    `  - install Go (https://go.dev/dl/) and run \`npm run temporal:cli\`: it runs`,
    `    \`go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}\` into ${temporalCacheDir()} (a few minutes, once);`,
    '  - with internet access to temporal.download, `npm run temporal:cli` downloads it through the Temporal SDK;',
    '  - or use an existing Temporal server/cluster: set TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE, TLS or API key).',
    ...extra.map((e) => `  (${e})`),
  ].join('\n');
}

/** Resolve the CLI without installing anything; undefined when not found. */
export async function locateTemporalCli(): Promise<string | undefined> {
  const explicit = process.env.TEMPORAL_CLI_PATH?.trim();
  if (explicit) {
    if (await isExecutable(explicit)) return path.resolve(explicit);
    throw new TemporalCliNotFoundError(`TEMPORAL_CLI_PATH is set to "${explicit}", which is not an executable file.`);
  }
  const fromPath = await onPath(os.platform() === 'win32' ? 'temporal.exe' : 'temporal');
  if (fromPath) return fromPath;
  const cached = cachedTemporalCliPath();
  if (await isExecutable(cached)) return cached;
  return undefined;
}

export async function findTemporalCli(options: FindTemporalCliOptions = {}): Promise<string> {
  const progress = options.onProgress ?? ((m: string) => process.stderr.write(`[temporal-cli] ${m}\n`));
  const found = await locateTemporalCli();
  if (found) return found;
  if (options.install === false) throw new TemporalCliNotFoundError(helpText());

  const notes: string[] = [];
  const go = await findGo();
  if (go) {
    try {
      return await buildWithGo(go, progress);
    } catch (err) {
      notes.push(`go install failed: ${(err as Error).message}`);
      progress(`go install failed: ${(err as Error).message}`);
    }
  } else {
    notes.push('Go is not installed, so it could not be built from source');
  }
  try {
    return await sdkDownload(progress);
  } catch (err) {
    notes.push(`the SDK download failed: ${(err as Error).message.split('\n')[0]}`);
  }
  throw new TemporalCliNotFoundError(helpText(notes));
}

// ---------------------------------------------------------------------------------------------------------
// go install (scripts/go-install.ts: cached, one build at a time)

async function buildWithGo(go: string, progress: (m: string) => void): Promise<string> {
  const target = cachedTemporalCliPath();
  await goInstall({
    go,
    dir: temporalCacheDir(),
    packages: [`${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`],
    targets: [target],
    what: `the Temporal CLI ${TEMPORAL_CLI_VERSION}`,
    progress,
  });
  return target;
}

// ---------------------------------------------------------------------------------------------------------
// The SDK's download (dev dependency @temporalio/testing; needs internet)

async function sdkDownload(progress: (m: string) => void): Promise<string> {
  const downloadDir = path.join(temporalCacheDir(), 'sdk-download');
  await fs.mkdir(downloadDir, { recursive: true });
  let testing: typeof TestingModule;
  try {
    testing = await import('@temporalio/testing');
  } catch {
    throw new Error('@temporalio/testing is not installed (it is a dev dependency)');
  }
  progress(`downloading the Temporal CLI through the Temporal SDK into ${downloadDir}`);
  const env = await testing.TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'cached-download', downloadDir, ttl: '3650 days' } },
  });
  await env.teardown();
  const entries = await fs.readdir(downloadDir);
  const candidates: { file: string; mtime: number }[] = [];
  for (const e of entries) {
    const file = path.join(downloadDir, e);
    if (/temporal/i.test(e) && (await isExecutable(file))) candidates.push({ file, mtime: (await fs.stat(file)).mtimeMs });
  }
  candidates.sort((a, b) => b.mtime - a.mtime);
  const best = candidates[0]?.file;
  if (!best) throw new Error(`no executable found in ${downloadDir} after the download`);
  await fs.copyFile(best, cachedTemporalCliPath());
  await fs.chmod(cachedTemporalCliPath(), 0o755);
  return cachedTemporalCliPath();
}

// ---------------------------------------------------------------------------------------------------------

const isMain = process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (isMain) {
  const quiet = process.argv.includes('--quiet');
  findTemporalCli({ onProgress: (m) => process.stderr.write(`[temporal-cli] ${m}\n`) })
    .then((cli) => {
      if (!quiet) process.stderr.write(`Temporal CLI (${TEMPORAL_CLI_VERSION} wanted): ${cli}\n`);
      process.stdout.write(`${cli}\n`);
    })
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
