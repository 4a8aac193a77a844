/**
 * Signing up while Temporal is unreachable still gives the newcomer their demo workspace: the webhook flow
 * is active (it needs no schedule), the poll flow stays inactive with its version published, the flows
 * page's banner is told so (demoInfoFor), and activating it later, once Temporal is back, works.
 */
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { auditLog, flows } from '../../db/schema';
import { getFreePort } from '../../scripts/supervisor/ports';
import { demoInfoFor } from '../../app/_server/demo/demo-info';
import { seedDemoWorkspace } from '../../app/_server/demo/seed-demo-workspace';
import { setFlowStatus } from '../../app/_server/flows/flow-service';
import { flowScheduleId } from '../../temporal/api/ids';
import { deleteFlowSchedule } from '../../temporal/api/schedules';
import { getTemporalClient } from '../../temporal/api/client';
import { insertUser } from '../support/app-context';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { temporalAddress } from '../support/temporal';

process.env.SYNCLINE_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

let database: TestDatabase;
let handle: DbHandle;
let scheduledFlowId: string | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
});

afterAll(async () => {
  if (scheduledFlowId) await deleteFlowSchedule(await getTemporalClient(), scheduledFlowId);
  delete process.env.TEMPORAL_ADDRESS;
  await handle?.close();
  await database?.drop();
});

it('seeds the demo workspace while Temporal is unreachable, reports the inactive poll flow, and activates it later', async () => {
  const nobody = `127.0.0.1:${await getFreePort()}`;
  process.env.TEMPORAL_ADDRESS = nobody;
  const user = await insertUser(handle.db, 'Early bird');
  const demo = (await seedDemoWorkspace(
    handle.db,
    { userId: user.id },
    { crmUrl: `http://${nobody}`, crmApiKey: 'unused-key', helpdeskDatabaseUrl: 'postgres://svc:secret@127.0.0.1:1/helpdesk', appUrl: 'http://127.0.0.1:3000' },
  ))!;
  expect(demo.created).toBe(true);
  expect(demo.warnings).toEqual([
    expect.stringMatching(/^Helpdesk → CRM phone and tier is not active yet: Temporal is unreachable/),
    expect.stringMatching(/could not be subscribed/), // the CRM is not running either
  ]);
  const rows = await handle.db.select().from(flows).where(eq(flows.workspaceId, demo.workspaceId));
  const byName = Object.fromEntries(rows.map((f) => [f.name, f]));
  expect(byName['CRM → Helpdesk contacts']).toMatchObject({ status: 'active' });
  expect(byName['Helpdesk → CRM phone and tier']).toMatchObject({ status: 'draft', activeVersionId: null });

  const pageEnv = { ...process.env, DEMO_CRM_URL: 'http://127.0.0.1:4010/', DEMO_HELPDESK_URL: 'http://127.0.0.1:4020' };
  const info = await demoInfoFor(handle.db, demo.workspaceId, pageEnv);
  expect(info).toEqual({
    crmUrl: 'http://127.0.0.1:4010',
    helpdeskUrl: 'http://127.0.0.1:4020',
    sampleFlows: [
      { key: 'crmToHelpdesk', id: demo.flows!.crmToHelpdesk, name: 'CRM → Helpdesk contacts', status: 'active' },
      { key: 'helpdeskToCrm', id: demo.flows!.helpdeskToCrm, name: 'Helpdesk → CRM phone and tier', status: 'draft' },
    ],
    // The installation's only demo: its flows may be activated.
    sharedElsewhere: false,
  });
  // Not a demo workspace without the demo systems' pages.
  expect(await demoInfoFor(handle.db, demo.workspaceId, {} as NodeJS.ProcessEnv)).toBeNull();

  // Temporal is back: the banner's Activate button (flows.setStatus) now creates the schedule.
  process.env.TEMPORAL_ADDRESS = temporalAddress();
  scheduledFlowId = demo.flows!.helpdeskToCrm;
  await setFlowStatus(handle.db, { workspaceId: demo.workspaceId, userId: user.id }, { flowId: scheduledFlowId, status: 'active' });
  expect((await demoInfoFor(handle.db, demo.workspaceId, pageEnv))?.sampleFlows.map((f) => f.status)).toEqual(['active', 'active']);
  await expect((await getTemporalClient()).schedule.getHandle(flowScheduleId(scheduledFlowId)).describe()).resolves.toBeTruthy();
  const activated = await handle.db.select().from(auditLog).where(and(eq(auditLog.targetId, scheduledFlowId), eq(auditLog.action, 'flow.activated')));
  expect(activated).toHaveLength(1);
}, 120_000);
