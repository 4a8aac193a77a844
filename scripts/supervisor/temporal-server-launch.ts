/**
 * `npm start` with `SYNCLINE_TEMPORAL=server`: the production Temporal server as a supervised child, on
 * the same PostgreSQL as Syncline (or TEMPORAL_DATABASE_URL's), its config in `<data>/temporal-server/`.
 * Schema first (created or upgraded), then the server, then the namespace.
 */
import path from 'node:path';
import type { TemporalServerBinaries } from '../temporal-server';
import type { Logger } from './logs';
import type { ManagedProcess, SpawnOptions } from './process';
import { waitForTemporal } from './readiness';
import { ensureNamespace, setupTemporalSchema, temporalServerArgs, writeTemporalServerConfig, type TemporalServerPorts } from './temporal-server';
import type { TemporalServerSettings } from './temporal-server-settings';

export async function launchTemporalServer(options: {
  binaries: TemporalServerBinaries;
  settings: TemporalServerSettings;
  /** A URL of the PostgreSQL server with a user that may create databases. */
  databaseUrl: string;
  dataDir: string;
  ports: TemporalServerPorts;
  namespace: string;
  log: Logger;
  /** Runs the schema set-up and upgrade first (`npm start`); a multi-machine layout runs it once, as a release step. */
  setupSchema: boolean;
  /** Spawns and supervises the child (start.ts's `supervise(spawnManaged(...))`). */
  start: (spawn: Omit<SpawnOptions, 'name' | 'color' | 'cwd' | 'env'>) => ManagedProcess;
}): Promise<string> {
  const { settings, log } = options;
  if (options.setupSchema) await setupTemporalSchema({ sqlTool: options.binaries.sqlTool, databaseUrl: options.databaseUrl, historyShards: settings.historyShards, log: (l) => log.log(l) });
  const configDir = path.join(options.dataDir, 'temporal-server');
  await writeTemporalServerConfig({ databaseUrl: options.databaseUrl, configDir, historyShards: settings.historyShards, ports: options.ports, bindIp: settings.bindIp });
  const address = `${settings.bindIp}:${options.ports.frontend}`;
  const server = options.start({ command: options.binaries.server, args: temporalServerArgs(configDir, settings.services) });
  log.log(`starting the Temporal server (${settings.services.join(', ')}; ${settings.historyShards} history shards) on ${address}`);
  if (settings.services.includes('frontend')) {
    await waitForTemporal(address, 'temporal-system', { timeoutMs: 120_000, isAlive: () => server.running() });
    if ((await ensureNamespace(address, options.namespace)) === 'created') log.log(`registered namespace ${options.namespace}`);
  }
  return address;
}
