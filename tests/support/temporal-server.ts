/**
 * The production Temporal server (scripts/temporal-server.ts builds it) for the scale scenario and
 * `npm run bench -- scale`: schema set up in the given PostgreSQL, every service in one process on free
 * ports, namespace `default` registered.
 *
 *   const temporal = await startTemporalProductionServer({ databaseUrl: adminUrl, dir });
 *   ... TEMPORAL_ADDRESS = temporal.address ...
 *   await temporal.stop();
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { getFreePort, isPortFree } from '../../scripts/supervisor/ports';
import { waitForTemporal } from '../../scripts/supervisor/readiness';
import { ensureNamespace, setupTemporalSchema, temporalServerArgs, writeTemporalServerConfig, type TemporalServerPorts } from '../../scripts/supervisor/temporal-server';
import { findTemporalServer } from '../../scripts/temporal-server';
import { manage, type ManagedChild } from './processes';

/** Free ports below 32768: Temporal keeps membership ports in a smallint column (the OS's picks are higher). */
async function lowFreePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!ports.includes(port) && (await isPortFree(port))) ports.push(port);
  }
  return ports;
}

export async function startTemporalProductionServer(options: {
  /** A superuser URL of the PostgreSQL for the `temporal` and `temporal_visibility` databases. */
  databaseUrl: string;
  /** Folder for the generated config. */
  dir: string;
  historyShards?: number;
  taskQueuePartitions?: number;
}): Promise<ManagedChild & { address: string }> {
  const binaries = await findTemporalServer();
  const historyShards = options.historyShards ?? 4;
  await setupTemporalSchema({ sqlTool: binaries.sqlTool, databaseUrl: options.databaseUrl, historyShards });
  const [frontend, frontendHttp, history, matching, worker] = await Promise.all(Array.from({ length: 5 }, () => getFreePort()));
  const membership = await lowFreePorts(4);
  const ports: TemporalServerPorts = {
    frontend: frontend!, frontendHttp: frontendHttp!, history: history!, matching: matching!, worker: worker!,
    membership: { frontend: membership[0]!, history: membership[1]!, matching: membership[2]!, worker: membership[3]! },
  };
  const configDir = path.join(options.dir, 'temporal-server');
  await writeTemporalServerConfig({ databaseUrl: options.databaseUrl, configDir, historyShards, ports, taskQueuePartitions: options.taskQueuePartitions });
  const child = spawn(binaries.server, temporalServerArgs(configDir), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const managed = manage(child);
  const address = `127.0.0.1:${ports.frontend}`;
  try {
    const isAlive = () => child.exitCode === null && child.signalCode === null;
    await waitForTemporal(address, 'temporal-system', { timeoutMs: 120_000, isAlive });
    await ensureNamespace(address, 'default');
  } catch (err) {
    await managed.stop();
    throw new Error(`the Temporal server did not start: ${(err as Error).message}\n${managed.output().slice(-4000)}`, { cause: err });
  }
  return { ...managed, address };
}
