/** Workspace retention (admins) and the per-flow "never store item data" setting (analysts), audited. */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { auditLog, flows, workspaces } from '../../db/schema';
import { InvalidInputError, NotFoundError } from '../platform/errors';

export const RetentionSchema = z.object({
  sampleRetentionDays: z
    .number({ error: 'sampleRetentionDays: a whole number of days.' })
    .int('sampleRetentionDays: a whole number of days.')
    .min(1, 'sampleRetentionDays: at least 1 day.')
    .max(365, 'sampleRetentionDays: at most 365 days.'),
  runRetentionDays: z
    .number({ error: 'runRetentionDays: a whole number of days.' })
    .int('runRetentionDays: a whole number of days.')
    .min(1, 'runRetentionDays: at least 1 day.')
    .max(3650, 'runRetentionDays: at most 3650 days.'),
});
export type Retention = z.infer<typeof RetentionSchema>;

export const FlowItemDataSchema = z.object({
  flowId: z.uuid({ error: 'flowId: not a flow id.' }),
  neverStoreItemData: z.boolean({ error: 'neverStoreItemData: true or false.' }),
});

interface Actor {
  readonly workspaceId: string;
  readonly userId: string;
}

export async function getRetention(db: Db, workspaceId: string): Promise<Retention> {
  const [row] = await db
    .select({ sampleRetentionDays: workspaces.sampleRetentionDays, runRetentionDays: workspaces.runRetentionDays })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  if (!row) throw new NotFoundError('That workspace');
  return row;
}

export async function setRetention(db: Db, actor: Actor, input: Retention): Promise<Retention> {
  if (input.sampleRetentionDays > input.runRetentionDays) {
    throw new InvalidInputError('sampleRetentionDays: item data cannot be kept longer than the runs it belongs to.', 'sampleRetentionDays');
  }
  return db.transaction(async (tx) => {
    const before = await getRetention(tx as unknown as Db, actor.workspaceId);
    await tx.update(workspaces).set(input).where(eq(workspaces.id, actor.workspaceId));
    await tx.insert(auditLog).values({
      workspaceId: actor.workspaceId,
      actorUserId: actor.userId,
      action: 'workspace.retention_changed',
      targetType: 'workspace',
      targetId: actor.workspaceId,
      details: { before, after: input },
    });
    return input;
  });
}

export async function getFlowItemData(db: Db, workspaceId: string, flowId: string): Promise<{ neverStoreItemData: boolean }> {
  const [row] = await db
    .select({ neverStoreItemData: flows.neverStoreItemData })
    .from(flows)
    .where(and(eq(flows.id, flowId), eq(flows.workspaceId, workspaceId)));
  if (!row) throw new NotFoundError('That flow');
  return row;
}

export async function setFlowItemData(db: Db, actor: Actor, input: z.infer<typeof FlowItemDataSchema>) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(flows)
      // Turning item data off also forgets the editor's last test run (it holds sample items).
      .set(input.neverStoreItemData ? { neverStoreItemData: true, lastTestRun: null } : { neverStoreItemData: false })
      .where(and(eq(flows.id, input.flowId), eq(flows.workspaceId, actor.workspaceId)))
      .returning({ id: flows.id, name: flows.name });
    if (!row) throw new NotFoundError('That flow');
    await tx.insert(auditLog).values({
      workspaceId: actor.workspaceId,
      actorUserId: actor.userId,
      action: input.neverStoreItemData ? 'flow.item_data_off' : 'flow.item_data_on',
      targetType: 'flow',
      targetId: row.id,
      details: { name: row.name, neverStoreItemData: input.neverStoreItemData },
    });
    return { neverStoreItemData: input.neverStoreItemData };
  });
}
