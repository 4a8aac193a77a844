/**
 * A new workspace hears about failures without any set-up (issue 16, item 7): it starts with the rule
 * "Any run failed → in-app", and the first failed run reaches every member's bell.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { alertRules, flows, runs } from '../../db/schema';
import { runWorkflowId } from '../../temporal/api/ids';
import { callerFor, insertUser } from '../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { contactIntakeFlow, createPublishedFlow } from '../../tests/support/flows';
import { DEFAULT_FAILURE_RULE_NAME } from './default-rules';
import { evaluateAlerts } from './evaluate-alerts';
import { listNotifications } from './notifications';

let database: TestDatabase;
let handle: DbHandle;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 3 });
});

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

describe('a new workspace’s alert rules', () => {
  it('start with "Any run failed" in-app, which rings the bell at the first failed run', async () => {
    const user = await insertUser(handle.db, 'Nia New');
    const { id: workspaceId } = await callerFor(handle.db, user).workspaces.create({ name: 'Fresh' });
    const rules = await handle.db.select().from(alertRules).where(eq(alertRules.workspaceId, workspaceId));
    expect(rules).toEqual([expect.objectContaining({ name: DEFAULT_FAILURE_RULE_NAME, condition: 'run_failed', flowId: null, notifyInApp: true, enabled: true })]);

    const { flowId } = await createPublishedFlow(handle.db, { workspaceId, userId: user.id }, contactIntakeFlow());
    const [flow] = await handle.db.select().from(flows).where(eq(flows.id, flowId));
    const runId = randomUUID();
    await handle.db.insert(runs).values({
      id: runId,
      workspaceId,
      flowId,
      flowVersionId: flow!.activeVersionId!,
      version: 1,
      trigger: 'webhook',
      workflowId: runWorkflowId(runId),
      status: 'failed',
      finishedAt: new Date(),
      error: { message: 'The CRM answered HTTP 503.', category: 'transient' },
    });
    await evaluateAlerts(handle.db);
    const bell = await listNotifications(handle.db, workspaceId, user.id);
    expect(bell.unread).toBe(1);
    expect(bell.items).toEqual([expect.objectContaining({ event: 'firing', flowId, title: expect.stringContaining(DEFAULT_FAILURE_RULE_NAME) })]);
  });
});
