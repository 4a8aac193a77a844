/**
 * Managing alert rules and channels (analysts and admins), every change audited in its transaction,
 * and the read models of the alerts page. A channel's secret is encrypted on the way in and never
 * comes out: channel views say only that it is set.
 */
import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client';
import { alertChannels, alertDeliveries, alertIncidents, alertRuleChannels, alertRules, auditLog, flows, type Role } from '../../db/schema';
import { encryptSecret, keyRingFromEnv } from '../connections/secret-box';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../platform/errors';
import type { AlertRuleFields, CreateAlertChannelSchema, UpdateAlertChannelSchema, UpdateAlertRuleSchema } from './alert-schemas';

export interface Actor {
  readonly workspaceId: string;
  readonly userId: string;
  readonly role: Role;
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export async function listAlertSetup(db: Db, workspaceId: string) {
  const [rules, links, channels] = await Promise.all([
    db
      .select({ rule: alertRules, flowName: flows.name })
      .from(alertRules)
      .leftJoin(flows, eq(flows.id, alertRules.flowId))
      .where(eq(alertRules.workspaceId, workspaceId))
      .orderBy(asc(alertRules.name)),
    db
      .select({ ruleId: alertRuleChannels.ruleId, channelId: alertRuleChannels.channelId })
      .from(alertRuleChannels)
      .innerJoin(alertRules, eq(alertRules.id, alertRuleChannels.ruleId))
      .where(eq(alertRules.workspaceId, workspaceId)),
    db.select().from(alertChannels).where(eq(alertChannels.workspaceId, workspaceId)).orderBy(asc(alertChannels.name)),
  ]);
  return {
    rules: rules.map(({ rule, flowName }) => ({ ...rule, flowName, channelIds: links.filter((l) => l.ruleId === rule.id).map((l) => l.channelId) })),
    channels: channels.map(channelView),
  };
}

function channelView(row: typeof alertChannels.$inferSelect) {
  const { secretCiphertext, ...rest } = row;
  return { ...rest, secretSet: secretCiphertext.length > 0 };
}

/** Incidents, newest first; open ones first of all. */
export async function listIncidents(db: Db, workspaceId: string, limit = 50) {
  return db
    .select({
      id: alertIncidents.id,
      summary: alertIncidents.summary,
      firedAt: alertIncidents.firedAt,
      resolvedAt: alertIncidents.resolvedAt,
      ruleName: alertRules.name,
      condition: alertRules.condition,
      flowId: alertIncidents.flowId,
      flowName: flows.name,
    })
    .from(alertIncidents)
    .innerJoin(alertRules, eq(alertRules.id, alertIncidents.ruleId))
    .leftJoin(flows, eq(flows.id, alertIncidents.flowId))
    .where(eq(alertIncidents.workspaceId, workspaceId))
    .orderBy(desc(isNull(alertIncidents.resolvedAt)), desc(alertIncidents.firedAt))
    .limit(limit);
}

/** Recent webhook deliveries with their state, so a failing receiver is visible. */
export async function listDeliveries(db: Db, workspaceId: string, limit = 50) {
  return db
    .select({
      id: alertDeliveries.id,
      event: alertDeliveries.event,
      status: alertDeliveries.status,
      attempts: alertDeliveries.attempts,
      nextAttemptAt: alertDeliveries.nextAttemptAt,
      lastError: alertDeliveries.lastError,
      deliveredAt: alertDeliveries.deliveredAt,
      createdAt: alertDeliveries.createdAt,
      channelName: alertChannels.name,
      title: alertDeliveries.payload,
    })
    .from(alertDeliveries)
    .innerJoin(alertChannels, eq(alertChannels.id, alertDeliveries.channelId))
    .where(eq(alertDeliveries.workspaceId, workspaceId))
    .orderBy(desc(alertDeliveries.createdAt))
    .limit(limit)
    .then((rows) => rows.map(({ title, ...row }) => ({ ...row, title: typeof title.title === 'string' ? title.title : '' })));
}

async function checkReferences(db: Db, workspaceId: string, fields: AlertRuleFields): Promise<void> {
  if (fields.flowId) {
    const [flow] = await db.select({ id: flows.id }).from(flows).where(and(eq(flows.id, fields.flowId), eq(flows.workspaceId, workspaceId)));
    if (!flow) throw new InvalidInputError('flowId: no such flow in this workspace.', 'flowId');
  }
  const channelIds = [...new Set(fields.channelIds)];
  if (channelIds.length > 0) {
    const found = await db
      .select({ id: alertChannels.id })
      .from(alertChannels)
      .where(and(eq(alertChannels.workspaceId, workspaceId), inArray(alertChannels.id, channelIds)));
    if (found.length !== channelIds.length) throw new InvalidInputError('channelIds: a channel does not exist in this workspace.', 'channelIds');
  }
  if (!fields.notifyInApp && channelIds.length === 0) {
    throw new InvalidInputError('channelIds: choose a webhook channel or keep in-app notifications on; otherwise nobody hears of this alert.', 'channelIds');
  }
  if (fields.condition === 'failure_count' && fields.threshold < 1) throw new InvalidInputError('threshold: at least 1 failure.', 'threshold');
}

function ruleValues(fields: AlertRuleFields) {
  const { channelIds: _channelIds, ...values } = fields;
  return values;
}

export async function createAlertRule(db: Db, actor: Actor, fields: AlertRuleFields) {
  await checkReferences(db, actor.workspaceId, fields);
  return db.transaction(async (tx) => {
    const [rule] = await tx
      .insert(alertRules)
      .values({ ...ruleValues(fields), workspaceId: actor.workspaceId, createdBy: actor.userId })
      .returning();
    await linkChannels(tx, rule!.id, fields.channelIds);
    await audit(tx, actor, 'alert_rule.created', 'alert_rule', rule!.id, { name: rule!.name, condition: rule!.condition, flowId: rule!.flowId });
    return { id: rule!.id };
  });
}

export async function updateAlertRule(db: Db, actor: Actor, input: z.infer<typeof UpdateAlertRuleSchema>) {
  const { id, ...fields } = input;
  await checkReferences(db, actor.workspaceId, fields);
  return db.transaction(async (tx) => {
    const [rule] = await tx
      .update(alertRules)
      .set({ ...ruleValues(fields), updatedAt: new Date() })
      .where(and(eq(alertRules.id, id), eq(alertRules.workspaceId, actor.workspaceId)))
      .returning();
    if (!rule) throw new NotFoundError('That alert rule');
    await tx.delete(alertRuleChannels).where(eq(alertRuleChannels.ruleId, id));
    await linkChannels(tx, id, fields.channelIds);
    await audit(tx, actor, 'alert_rule.updated', 'alert_rule', id, { name: rule.name, condition: rule.condition, enabled: rule.enabled, threshold: rule.threshold, windowMinutes: rule.windowMinutes });
    return { id };
  });
}

export async function deleteAlertRule(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    const [rule] = await tx.delete(alertRules).where(and(eq(alertRules.id, id), eq(alertRules.workspaceId, actor.workspaceId))).returning();
    if (!rule) throw new NotFoundError('That alert rule');
    await audit(tx, actor, 'alert_rule.deleted', 'alert_rule', id, { name: rule.name });
    return { id };
  });
}

async function linkChannels(tx: Tx, ruleId: string, channelIds: string[]): Promise<void> {
  const unique = [...new Set(channelIds)];
  if (unique.length > 0) await tx.insert(alertRuleChannels).values(unique.map((channelId) => ({ ruleId, channelId })));
}

function checkPrivateNetwork(actor: Actor, allowPrivateNetwork: boolean): void {
  // The same rule as connections: only an admin may point Syncline at the private network.
  if (allowPrivateNetwork && actor.role !== 'admin') {
    throw new ForbiddenError('allowPrivateNetwork: only an admin may let a channel reach private network addresses.');
  }
}

function uniqueName<T>(promise: Promise<T>, name: string): Promise<T> {
  return promise.catch((error: unknown) => {
    const code = (error as { code?: string; cause?: { code?: string } }).code ?? (error as { cause?: { code?: string } }).cause?.code;
    if (code === '23505') throw new ConflictError(`name: a channel named “${name}” already exists in this workspace.`);
    throw error;
  });
}

export async function createAlertChannel(db: Db, actor: Actor, input: z.infer<typeof CreateAlertChannelSchema>) {
  checkPrivateNetwork(actor, input.allowPrivateNetwork);
  return uniqueName(
    db.transaction(async (tx) => {
      const [channel] = await tx
        .insert(alertChannels)
        .values({
          workspaceId: actor.workspaceId,
          name: input.name,
          url: input.url,
          secretCiphertext: encryptSecret(input.secret, keyRingFromEnv()),
          allowPrivateNetwork: input.allowPrivateNetwork,
          createdBy: actor.userId,
        })
        .returning();
      await audit(tx, actor, 'alert_channel.created', 'alert_channel', channel!.id, { name: channel!.name, url: channel!.url });
      return channelView(channel!);
    }),
    input.name,
  );
}

export async function updateAlertChannel(db: Db, actor: Actor, input: z.infer<typeof UpdateAlertChannelSchema>) {
  checkPrivateNetwork(actor, input.allowPrivateNetwork);
  return uniqueName(
    db.transaction(async (tx) => {
      const [channel] = await tx
        .update(alertChannels)
        .set({
          name: input.name,
          url: input.url,
          allowPrivateNetwork: input.allowPrivateNetwork,
          updatedAt: new Date(),
          ...(input.secret ? { secretCiphertext: encryptSecret(input.secret, keyRingFromEnv()) } : {}),
        })
        .where(and(eq(alertChannels.id, input.id), eq(alertChannels.workspaceId, actor.workspaceId)))
        .returning();
      if (!channel) throw new NotFoundError('That alert channel');
      await audit(tx, actor, 'alert_channel.updated', 'alert_channel', channel.id, { name: channel.name, url: channel.url, secretChanged: Boolean(input.secret) });
      return channelView(channel);
    }),
    input.name,
  );
}

export async function deleteAlertChannel(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    const [channel] = await tx.delete(alertChannels).where(and(eq(alertChannels.id, id), eq(alertChannels.workspaceId, actor.workspaceId))).returning();
    if (!channel) throw new NotFoundError('That alert channel');
    await audit(tx, actor, 'alert_channel.deleted', 'alert_channel', id, { name: channel.name });
    return { id };
  });
}

async function audit(tx: Tx, actor: Actor, action: string, targetType: string, targetId: string, details: Record<string, unknown>): Promise<void> {
  await tx.insert(auditLog).values({ workspaceId: actor.workspaceId, actorUserId: actor.userId, action, targetType, targetId, details });
}
