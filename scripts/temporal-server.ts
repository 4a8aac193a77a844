/**
 * Find (or build) the production Temporal server and its schema tool, for `SYNCLINE_TEMPORAL=server`.
 *
 * Lookup order, for each of the two binaries:
 *   1. TEMPORAL_SERVER_PATH / TEMPORAL_SQL_TOOL_PATH
 *   2. the project cache: ${XDG_CACHE_HOME:-~/.cache}/syncline/temporal-server-v1.29.1/{server,sql}
 *   3. `go install go.temporal.io/server/cmd/server@v1.29.1 go.temporal.io/server/cmd/tools/sql@v1.29.1`
 *      into that cache (when Go is installed; minutes the first time)
 * `server` is Temporal's server (all services, or some with `--service`); `sql` is `temporal-sql-tool`,
 * with the PostgreSQL schemas embedded. v1.29.1 is the server the dev server of Temporal CLI v1.5.1 embeds,
 * and its go.mod has no `replace` directive, which `go install pkg@version` requires.
 *
 * CLI: `npm run temporal:server` prints both paths (building if needed); `--quiet` prints only them.
 *      `npm run temporal:server -- schema` sets up or upgrades the schema in TEMPORAL_DATABASE_URL's
 *      PostgreSQL (default DATABASE_URL's server), then exits: the release step before servers start.
 *      `npm run temporal:server -- start` runs the server in the foreground (SYNCLINE_TEMPORAL_SERVICES,
 *      SYNCLINE_TEMPORAL_HISTORY_SHARDS, SYNCLINE_TEMPORAL_BIND_IP, TEMPORAL_PORT; config in
 *      `<data>/temporal-server/`) until SIGTERM/SIGINT: what a process manager or a container runs.
 */
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { dataRoot, projectRoot } from '../db/embedded';
import { findGo, goInstall, isExecutable, synclineCacheDir } from './go-install';
import { createLogger } from './supervisor/logs';
import { portFromEnv } from './supervisor/ports';
import { spawnManaged } from './supervisor/process';
import { setupTemporalSchema, temporalServerPorts } from './supervisor/temporal-server';
import { launchTemporalServer } from './supervisor/temporal-server-launch';
import { temporalServerSettings } from './supervisor/temporal-server-settings';

export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const MODULE = 'go.temporal.io/server';

export interface TemporalServerBinaries {
  /** The server (`server start`). */
  server: string;
  /** temporal-sql-tool. */
  sqlTool: string;
}

export class TemporalServerNotFoundError extends Error {
  override name = 'TemporalServerNotFoundError';
}

export function temporalServerCacheDir(): string {
  return synclineCacheDir(`temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

function cached(): TemporalServerBinaries {
  const exe = os.platform() === 'win32' ? '.exe' : '';
  return { server: path.join(temporalServerCacheDir(), `server${exe}`), sqlTool: path.join(temporalServerCacheDir(), `sql${exe}`) };
}

async function explicit(variable: string): Promise<string | undefined> {
  const value = process.env[variable]?.trim();
  if (!value) return undefined;
  if (await isExecutable(value)) return path.resolve(value);
  throw new TemporalServerNotFoundError(`${variable} is set to "${value}", which is not an executable file.`);
}

/** Both binaries without building anything; undefined when either is missing. */
export async function locateTemporalServer(): Promise<TemporalServerBinaries | undefined> {
  const inCache = cached();
  const server = (await explicit('TEMPORAL_SERVER_PATH')) ?? ((await isExecutable(inCache.server)) ? inCache.server : undefined);
  const sqlTool = (await explicit('TEMPORAL_SQL_TOOL_PATH')) ?? ((await isExecutable(inCache.sqlTool)) ? inCache.sqlTool : undefined);
  return server && sqlTool ? { server, sqlTool } : undefined;
}

export async function findTemporalServer(options: { install?: boolean; onProgress?: (message: string) => void } = {}): Promise<TemporalServerBinaries> {
  const progress = options.onProgress ?? ((m: string) => process.stderr.write(`[temporal-server] ${m}\n`));
  const found = await locateTemporalServer();
  if (found) return found;
  const help = [
    'The Temporal server (SYNCLINE_TEMPORAL=server) was not found. Options:',
    '  - set TEMPORAL_SERVER_PATH and TEMPORAL_SQL_TOOL_PATH to a `temporal-server` and a `temporal-sql-tool` binary',
    `    of Temporal ${TEMPORAL_SERVER_VERSION} (https://github.com/temporalio/temporal/releases);`,
    `  - install Go (https://go.dev/dl/) and run \`npm run temporal:server\`: it builds both into ${temporalServerCacheDir()} (minutes, once);`,
    '  - or point Syncline at a running cluster with TEMPORAL_ADDRESS, or leave SYNCLINE_TEMPORAL unset for the dev server.',
  ].join('\n');
  if (options.install === false) throw new TemporalServerNotFoundError(help);
  const go = await findGo();
  if (!go) throw new TemporalServerNotFoundError(`${help}\n  (Go is not installed, so it could not be built from source)`);
  const target = cached();
  try {
    await goInstall({
      go,
      dir: temporalServerCacheDir(),
      packages: [`${MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`, `${MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`],
      targets: [target.server, target.sqlTool],
      what: `the Temporal server ${TEMPORAL_SERVER_VERSION} and its schema tool`,
      progress,
    });
  } catch (err) {
    throw new TemporalServerNotFoundError(`${help}\n  (go install failed: ${(err as Error).message})`);
  }
  return (await locateTemporalServer()) ?? target;
}

// ---------------------------------------------------------------------------------------------------------

const isMain = process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (isMain) {
  const quiet = process.argv.includes('--quiet');
  const say = (m: string) => process.stderr.write(`[temporal-server] ${m}\n`);
  (async () => {
    const command = ['schema', 'start'].find((c) => process.argv.includes(c));
    // A bad setting stops it before a build of minutes.
    const settings = command ? temporalServerSettings(process.env) : undefined;
    const binaries = await findTemporalServer({ onProgress: say });
    if (command === 'schema' && settings) {
      if (!settings.databaseUrl) throw new TemporalServerNotFoundError('Set TEMPORAL_DATABASE_URL (or DATABASE_URL) to the PostgreSQL that holds the Temporal databases.');
      await setupTemporalSchema({ sqlTool: binaries.sqlTool, databaseUrl: settings.databaseUrl, historyShards: settings.historyShards, log: say });
      return;
    }
    if (command === 'start' && settings) {
      if (!settings.databaseUrl) throw new TemporalServerNotFoundError('Set TEMPORAL_DATABASE_URL (or DATABASE_URL) to the PostgreSQL that holds the Temporal databases.');
      const log = createLogger('temporal', 'magenta');
      let server: ReturnType<typeof spawnManaged> | undefined;
      const address = await launchTemporalServer({
        binaries,
        settings,
        databaseUrl: settings.databaseUrl,
        dataDir: dataRoot(),
        ports: temporalServerPorts(portFromEnv('TEMPORAL_PORT', 7233)),
        namespace: process.env.TEMPORAL_NAMESPACE?.trim() || 'default',
        log,
        setupSchema: false,
        start: (spawn) => (server = spawnManaged({ ...spawn, name: 'temporal', color: 'magenta', cwd: projectRoot, env: process.env })),
      });
      log.log(`ready on ${address}`);
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server?.stop(15_000));
      const exit = await server!.exited;
      process.exitCode = exit.code ?? 0;
      return;
    }
    if (!quiet) say(`Temporal server ${TEMPORAL_SERVER_VERSION}: ${binaries.server}; schema tool: ${binaries.sqlTool}`);
    process.stdout.write(`${binaries.server}\n${binaries.sqlTool}\n`);
  })().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
