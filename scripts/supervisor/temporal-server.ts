/**
 * The production Temporal server (`go.temporal.io/server`, built by scripts/temporal-server.ts) on
 * PostgreSQL, for `SYNCLINE_TEMPORAL=server`, the scale scenario test and `npm run bench -- scale`:
 *
 *   1. `setupTemporalSchema`: databases `temporal` and `temporal_visibility` in the given PostgreSQL
 *      (created when missing), then `temporal-sql-tool setup-schema -v 0.0` once and `update-schema`
 *      to the schemas embedded in the tool (postgres12 plugin) on every start: an upgrade of the
 *      server binary upgrades its schema before it starts.
 *   2. `writeTemporalServerConfig`: the server's YAML config (JSON, which YAML reads) with the number of
 *      history shards, the services' ports and the dynamic config, in a 0600 file (it holds the password).
 *   3. `temporalServerArgs`: `server --root <dir> --config . --env syncline start [--service ...]`; all four
 *      services (frontend, history, matching, worker) in one process unless told otherwise.
 *   4. `ensureNamespace`: the real server starts with no namespace (the dev server makes `default`).
 *
 * The number of history shards is fixed when the cluster is first started (Temporal keeps the first value
 * and ignores later ones); `setupTemporalSchema` refuses a different number instead of ignoring it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common';
import postgres from 'postgres';
import { ensureDatabase, withDatabase } from '../../db/embedded';

const run = promisify(execFile);

export const TEMPORAL_DATABASES = { history: 'temporal', visibility: 'temporal_visibility' } as const;
export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

/** gRPC and membership ports of each service (and the frontend's HTTP port). */
export interface TemporalServerPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  membership: Record<TemporalService, number>;
}

/** Temporal's usual layout from the frontend port: 7233 → history 7234, matching 7235, worker 7239, HTTP 7243, membership 6933-6939. */
export function temporalServerPorts(frontend: number): TemporalServerPorts {
  const membership = frontend - 300;
  return {
    frontend,
    frontendHttp: frontend + 10,
    history: frontend + 1,
    matching: frontend + 2,
    worker: frontend + 6,
    membership: { frontend: membership, history: membership + 1, matching: membership + 2, worker: membership + 6 },
  };
}

export interface TemporalServerConfigOptions {
  /** A superuser-ish URL of the PostgreSQL that holds (or will hold) `temporal` and `temporal_visibility`. */
  databaseUrl: string;
  /** Folder of the generated config (and nothing else). */
  configDir: string;
  historyShards: number;
  ports: TemporalServerPorts;
  /** Address the services bind to and announce to each other. Default 127.0.0.1. */
  bindIp?: string;
  /** Task queue partitions (Temporal's default is 4; one suits a single matching host). */
  taskQueuePartitions?: number;
  /** PostgreSQL connections of the history store per service process. Default 20. */
  maxConnections?: number;
  logLevel?: string;
}

export const TEMPORAL_SERVER_ENV = 'syncline';
/** Temporal keeps membership ports in a PostgreSQL smallint column. */
const MAX_MEMBERSHIP_PORT = 32_767;

function datastore(url: URL, database: string, maxConns: number) {
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName: database,
      connectAddr: `${url.hostname}:${url.port || '5432'}`,
      connectProtocol: 'tcp',
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
      ...(url.searchParams.get('sslmode') === 'require' ? { tls: { enabled: true, enableHostVerification: false } } : {}),
    },
  };
}

/** Writes `<configDir>/syncline.yaml` and `<configDir>/dynamic.yaml`; returns the config file's path. */
export async function writeTemporalServerConfig(options: TemporalServerConfigOptions): Promise<string> {
  const url = new URL(options.databaseUrl);
  const ip = options.bindIp ?? '127.0.0.1';
  const { ports } = options;
  const tooHigh = Object.values(ports.membership).filter((port) => port > MAX_MEMBERSHIP_PORT);
  if (tooHigh.length > 0) {
    throw new TemporalSchemaError(`Temporal's membership ports must be at most ${MAX_MEMBERSHIP_PORT} (it stores them as a smallint), not ${tooHigh.join(', ')}: choose a lower TEMPORAL_PORT (membership ports are 300 below it).`);
  }
  const rpc = (service: TemporalService, grpcPort: number, extra: Record<string, number> = {}) => ({
    rpc: { grpcPort, membershipPort: ports.membership[service], bindOnIP: ip, ...extra },
  });
  const dynamicFile = path.join(options.configDir, 'dynamic.yaml');
  const config = {
    log: { stdout: true, level: options.logLevel ?? 'warn' },
    persistence: {
      defaultStore: 'history',
      visibilityStore: 'visibility',
      numHistoryShards: options.historyShards,
      datastores: {
        history: datastore(url, TEMPORAL_DATABASES.history, options.maxConnections ?? 20),
        visibility: datastore(url, TEMPORAL_DATABASES.visibility, 10),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: ip } },
    services: {
      frontend: rpc('frontend', ports.frontend, { httpPort: ports.frontendHttp }),
      history: rpc('history', ports.history),
      matching: rpc('matching', ports.matching),
      worker: rpc('worker', ports.worker),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `${ip}:${ports.frontend}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicFile, pollInterval: '10s' },
  };
  const partitions = options.taskQueuePartitions ?? 4;
  const dynamic = {
    // The worker's relay starts runs with requestEagerStart: their first task comes back in the start response.
    'system.enableEagerWorkflowStart': [{ value: true }],
    'matching.numTaskqueueReadPartitions': [{ value: partitions }],
    'matching.numTaskqueueWritePartitions': [{ value: partitions }],
    // A namespace registered at first start is usable within a second instead of ten.
    'system.namespaceCacheRefreshInterval': [{ value: '1s' }],
  };
  await fs.mkdir(options.configDir, { recursive: true, mode: 0o700 });
  const configFile = path.join(options.configDir, `${TEMPORAL_SERVER_ENV}.yaml`);
  await fs.writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await fs.chmod(configFile, 0o600);
  await fs.writeFile(dynamicFile, `${JSON.stringify(dynamic, null, 2)}\n`);
  return configFile;
}

/** Arguments of the `server` binary for a config written by {@link writeTemporalServerConfig}. */
export function temporalServerArgs(configDir: string, services: readonly TemporalService[] = TEMPORAL_SERVICES): string[] {
  return ['--root', configDir, '--config', '.', '--env', TEMPORAL_SERVER_ENV, '--allow-no-auth', 'start', ...services.flatMap((s) => ['--service', s])];
}

export class TemporalSchemaError extends Error {
  override name = 'TemporalSchemaError';
}

/**
 * Creates the two databases when missing and brings their schemas to the version the tool embeds.
 * Refuses when the cluster was created with another number of history shards.
 */
export async function setupTemporalSchema(options: {
  sqlTool: string;
  databaseUrl: string;
  historyShards: number;
  log?: (line: string) => void;
}): Promise<void> {
  const url = new URL(options.databaseUrl);
  const log = options.log ?? (() => {});
  const admin = withDatabase(options.databaseUrl, 'postgres');
  const common = ['--plugin', 'postgres12', '--ep', url.hostname, '-p', url.port || '5432', '-u', decodeURIComponent(url.username)];
  // The password goes through the environment, not the command line (which `ps` shows).
  const env = { ...process.env, SQL_PASSWORD: decodeURIComponent(url.password), ...(url.searchParams.get('sslmode') === 'require' ? { SQL_TLS: 'true' } : {}) };
  for (const [kind, database] of Object.entries(TEMPORAL_DATABASES)) {
    if (await ensureDatabase(admin, database)) log(`created database ${database}`);
    const sql = postgres(withDatabase(options.databaseUrl, database), { max: 1, onnotice: () => {} });
    try {
      const [versioned] = await sql<{ exists: boolean }[]>`select to_regclass('public.schema_version') is not null as exists`;
      const tool = async (args: string[]) => {
        try {
          await run(options.sqlTool, [...common, '--db', database, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
        } catch (err) {
          const { stderr, stdout } = err as { stderr?: string; stdout?: string };
          throw new TemporalSchemaError(`temporal-sql-tool ${args[0]} on database ${database} failed: ${(stderr || stdout || String(err)).trim().split('\n').slice(-5).join('\n')}`);
        }
      };
      if (!versioned?.exists) await tool(['setup-schema', '-v', '0.0']);
      await tool(['update-schema', '--schema-name', `postgresql/v12/${kind === 'history' ? 'temporal' : 'visibility'}`]);
      if (kind === 'history') {
        // History acquires every shard at start, so after a first start this is the cluster's shard count.
        const [shards] = await sql<{ n: number }[]>`select count(*)::int as n from shards`;
        if (shards && shards.n > 0 && shards.n !== options.historyShards) {
          throw new TemporalSchemaError(
            `This Temporal cluster was created with ${shards.n} history shards; SYNCLINE_TEMPORAL_HISTORY_SHARDS asks for ${options.historyShards}. ` +
              `The number is fixed for the life of a cluster: set it back to ${shards.n}, or start a new cluster (new databases) and move to it.`,
          );
        }
      }
      const [version] = await sql<{ curr_version: string }[]>`select curr_version from schema_version limit 1`;
      log(`database ${database}: schema ${version?.curr_version ?? '?'}`);
    } finally {
      await sql.end({ timeout: 5 });
    }
  }
}

/**
 * Registers `namespace` unless it exists, then waits until the frontend serves it (its namespace cache
 * refreshes every second with our dynamic config).
 */
export async function ensureNamespace(address: string, namespace: string, options: { retentionDays?: number; timeoutMs?: number } = {}): Promise<'created' | 'existed'> {
  const connection = await Connection.connect({ address, connectTimeout: '5s' });
  try {
    let outcome: 'created' | 'existed' = 'existed';
    try {
      await connection.workflowService.describeNamespace({ namespace });
    } catch {
      try {
        await connection.workflowService.registerNamespace({
          namespace,
          workflowExecutionRetentionPeriod: msToTs(`${options.retentionDays ?? 7} days`),
        });
        outcome = 'created';
      } catch (err) {
        if (!/already exists/i.test(err instanceof Error ? err.message : String(err))) throw err;
      }
    }
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      try {
        await connection.workflowService.listOpenWorkflowExecutions({ namespace, maximumPageSize: 1 });
        return outcome;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await connection.close();
  }
}

/** The ports a server with these services needs free, for `assertPortsFree` (frontend ports named by TEMPORAL_PORT). */
export function temporalServerPortNeeds(ports: TemporalServerPorts, services: readonly TemporalService[]) {
  return services.flatMap((service) => [
    { port: service === 'frontend' ? ports.frontend : ports[service], envVar: 'TEMPORAL_PORT', label: `the Temporal server's ${service} service` },
    { port: ports.membership[service], envVar: 'TEMPORAL_PORT', label: `the Temporal server's ${service} membership` },
    ...(service === 'frontend' ? [{ port: ports.frontendHttp, envVar: 'TEMPORAL_PORT', label: "the Temporal server's HTTP API" }] : []),
  ]);
}
