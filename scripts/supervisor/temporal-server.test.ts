import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { temporalServerArgs, temporalServerPorts, writeTemporalServerConfig } from './temporal-server';
import { temporalServerSettings } from './temporal-server-settings';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('the Temporal server config', () => {
  it('persists to the two PostgreSQL databases with the asked number of shards, in a file only its owner can read', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'temporal-config-'));
    const file = await writeTemporalServerConfig({
      databaseUrl: 'postgres://temporal:p%40ss@db.internal:6543/postgres',
      configDir: dir,
      historyShards: 512,
      ports: temporalServerPorts(7233),
      bindIp: '10.0.0.5',
    });
    const config = JSON.parse(await readFile(file, 'utf8'));
    expect(config.persistence.numHistoryShards).toBe(512);
    expect(config.persistence.datastores.history.sql).toMatchObject({ pluginName: 'postgres12', databaseName: 'temporal', connectAddr: 'db.internal:6543', user: 'temporal', password: 'p@ss' });
    expect(config.persistence.datastores.visibility.sql.databaseName).toBe('temporal_visibility');
    expect(config.services.frontend.rpc).toEqual({ grpcPort: 7233, httpPort: 7243, membershipPort: 6933, bindOnIP: '10.0.0.5' });
    expect(config.services.history.rpc.grpcPort).toBe(7234);
    expect(config.clusterMetadata.clusterInformation.active.rpcAddress).toBe('10.0.0.5:7233');
    expect((await stat(file)).mode & 0o077).toBe(0);
    const dynamic = JSON.parse(await readFile(path.join(dir, 'dynamic.yaml'), 'utf8'));
    expect(dynamic['system.enableEagerWorkflowStart']).toEqual([{ value: true }]);
    expect(temporalServerArgs(dir, ['history', 'matching']).slice(-4)).toEqual(['--service', 'history', '--service', 'matching']);
  });

  it('runs every service in one process unless told otherwise, and names a bad service list', () => {
    expect(temporalServerSettings({}).services).toEqual(['frontend', 'history', 'matching', 'worker']);
    expect(temporalServerSettings({}).historyShards).toBe(4);
    expect(temporalServerSettings({ SYNCLINE_TEMPORAL_SERVICES: 'history, matching' }).services).toEqual(['history', 'matching']);
    expect(() => temporalServerSettings({ SYNCLINE_TEMPORAL_SERVICES: 'frontend,histroy' })).toThrow(/SYNCLINE_TEMPORAL_SERVICES must list some of frontend, history, matching, worker/);
    expect(() => temporalServerSettings({ SYNCLINE_TEMPORAL_HISTORY_SHARDS: '0' })).toThrow(/SYNCLINE_TEMPORAL_HISTORY_SHARDS/);
    expect(temporalServerSettings({ DATABASE_URL: 'postgres://a@b/c' }).databaseUrl).toBe('postgres://a@b/c');
    expect(temporalServerSettings({ DATABASE_URL: 'postgres://a@b/c', TEMPORAL_DATABASE_URL: 'postgres://t@b/postgres' }).databaseUrl).toBe('postgres://t@b/postgres');
  });
});
