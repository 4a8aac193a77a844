import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { DEFAULT_NODE_SETTINGS } from '../../flows-engine/index';
import type { EffectDeps } from '../../nodes/effect-deps';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { getFreePort } from '../../scripts/supervisor/ports';
import { OWN_DATABASE_UNAVAILABLE } from '../api/ids';
import { createNodeEffectActivities, type NodeEffectRequest } from './node-effect';
import { createRunRecords } from './run-records';

let database: TestDatabase;
let reachableDb: DbHandle;
let unreachableDb: DbHandle;

beforeAll(async () => {
  database = await createTestDatabase();
  reachableDb = openDb(database.url, { max: 1 });
  // Nothing listens there: Syncline's database is "down" for this pool.
  unreachableDb = openDb(`postgres://nobody:nothing@127.0.0.1:${await getFreePort()}/syncline`, { max: 1, connect_timeout: 1 });
});
afterAll(async () => {
  await reachableDb?.close();
  await unreachableDb?.close();
  await database?.drop();
});

/** Effect deps whose external-ID look-up fails the way postgres.js does when its server is gone. */
const refusedLookups = {
  externalIds: {
    lookupMany: async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    },
  },
} as unknown as EffectDeps;

const lookupRequest = (): NodeEffectRequest => ({
  nodeId: 'lookup',
  type: 'sync.lookup-external-id',
  typeVersion: 1,
  config: { connectionId: 'crm', objectType: 'contact', externalIdPath: 'id' },
  settings: DEFAULT_NODE_SETTINGS,
  items: [{ json: { id: 'c1' } }],
  workspaceId: randomUUID(),
  runId: randomUUID(),
});

describe('an effect that fails on a database connection fault', () => {
  it("is Syncline's own outage when Syncline's database does not answer either: the workflow waits instead of spending the step's retries", async () => {
    const [outcome] = await createNodeEffectActivities(() => refusedLookups, unreachableDb.db, createRunRecords(unreachableDb.db).claimRuns).runNodeEffects({ requests: [lookupRequest()] });
    expect(outcome).toMatchObject({ failure: { type: OWN_DATABASE_UNAVAILABLE, nonRetryable: true, message: expect.stringMatching(/Syncline's database is unreachable/) } });
  });

  it("is the step's own failure, retried with its policy, when Syncline's database answers", async () => {
    const [outcome] = await createNodeEffectActivities(() => refusedLookups, reachableDb.db, createRunRecords(reachableDb.db).claimRuns).runNodeEffects({ requests: [lookupRequest()] });
    expect(outcome).toMatchObject({ failure: { nonRetryable: false } });
    expect(outcome && 'failure' in outcome ? outcome.failure.type : undefined).not.toBe(OWN_DATABASE_UNAVAILABLE);
  });
});
