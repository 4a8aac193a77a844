/**
 * Alert evaluation: for every rule, compare the flows where its condition holds with the rule's open
 * incidents. A newly holding flow opens an incident ("firing"); an open incident whose condition no
 * longer holds (or whose rule was disabled) is resolved ("resolved"). Nothing is sent while a
 * condition persists: the open incident is the memory of "already told". Each state change commits
 * together with its in-app notification and its webhook deliveries (sent later by
 * `deliverDueAlerts`), and the unique open-incident index makes concurrent evaluators harmless.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { alertDeliveries, alertIncidents, alertNotifications, alertRuleChannels, alertRules, type AlertEvent } from '../../db/schema';
import { errorMessage, logger } from '../platform/logger';
import { subjectsWhereConditionHolds, type HoldingSubject } from './alert-conditions';

const log = logger.child({ component: 'alerts' });

type Rule = typeof alertRules.$inferSelect;
type Incident = typeof alertIncidents.$inferSelect;

export interface EvaluationOutcome {
  fired: number;
  resolved: number;
}

export async function evaluateAlerts(db: Db): Promise<EvaluationOutcome> {
  const rules = await db.select().from(alertRules);
  const open = await db.select().from(alertIncidents).where(isNull(alertIncidents.resolvedAt));
  const outcome: EvaluationOutcome = { fired: 0, resolved: 0 };
  for (const rule of rules) {
    try {
      const holding = rule.enabled ? await subjectsWhereConditionHolds(db, rule) : [];
      const openOfRule = open.filter((i) => i.ruleId === rule.id);
      const holdingFlows = new Set(holding.map((s) => s.flowId));
      const openFlows = new Set(openOfRule.map((i) => i.flowId));
      for (const subject of holding) {
        if (!openFlows.has(subject.flowId) && (await fire(db, rule, subject))) outcome.fired += 1;
      }
      for (const incident of openOfRule) {
        if (!holdingFlows.has(incident.flowId) && (await resolve(db, rule, incident))) outcome.resolved += 1;
      }
    } catch (error) {
      // One broken rule must not keep the others from being evaluated.
      log.error({ workspaceId: rule.workspaceId, ruleId: rule.id, error: errorMessage(error) }, 'alert rule evaluation failed');
    }
  }
  return outcome;
}

async function fire(db: Db, rule: Rule, subject: HoldingSubject): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [incident] = await tx
      .insert(alertIncidents)
      .values({ workspaceId: rule.workspaceId, ruleId: rule.id, flowId: subject.flowId, summary: subject.summary })
      .onConflictDoNothing()
      .returning();
    if (!incident) return false; // another evaluator opened it first
    await announce(tx as unknown as Db, rule, incident, subject.flowName, 'firing');
    log.warn({ workspaceId: rule.workspaceId, flowId: subject.flowId, ruleId: rule.id, incidentId: incident.id, summary: subject.summary }, 'alert firing');
    return true;
  });
}

async function resolve(db: Db, rule: Rule, incident: Incident): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [resolved] = await tx
      .update(alertIncidents)
      .set({ resolvedAt: new Date() })
      .where(and(eq(alertIncidents.id, incident.id), isNull(alertIncidents.resolvedAt)))
      .returning();
    if (!resolved) return false;
    const flowName = await tx.query.flows.findFirst({ where: (f, { eq: equals }) => equals(f.id, incident.flowId), columns: { name: true } });
    await announce(tx as unknown as Db, rule, resolved, flowName?.name ?? 'a deleted flow', 'resolved');
    log.info({ workspaceId: rule.workspaceId, flowId: incident.flowId, ruleId: rule.id, incidentId: incident.id }, 'alert resolved');
    return true;
  });
}

/** The in-app notification and one pending delivery per channel of the rule, in the caller's transaction. */
async function announce(tx: Db, rule: Rule, incident: Incident, flowName: string, event: AlertEvent): Promise<void> {
  const title = event === 'firing' ? `${rule.name}: ${flowName}` : `Resolved: ${rule.name}: ${flowName}`;
  const body = event === 'firing' ? incident.summary : `Cleared after ${duration(incident.firedAt, incident.resolvedAt ?? new Date())}. It was: ${incident.summary}`;
  if (rule.notifyInApp) {
    await tx.insert(alertNotifications).values({ workspaceId: rule.workspaceId, incidentId: incident.id, flowId: incident.flowId, event, title, body }).onConflictDoNothing();
  }
  const channels = await tx.select({ channelId: alertRuleChannels.channelId }).from(alertRuleChannels).where(eq(alertRuleChannels.ruleId, rule.id));
  if (channels.length === 0) return;
  const payload = {
    event,
    title,
    summary: body,
    workspaceId: rule.workspaceId,
    rule: { id: rule.id, name: rule.name, condition: rule.condition, threshold: rule.threshold, windowMinutes: rule.windowMinutes },
    flow: { id: incident.flowId, name: flowName },
    incident: { id: incident.id, firedAt: incident.firedAt.toISOString(), resolvedAt: incident.resolvedAt?.toISOString() ?? null },
  };
  await tx
    .insert(alertDeliveries)
    .values(channels.map(({ channelId }) => ({ workspaceId: rule.workspaceId, incidentId: incident.id, channelId, event, payload })))
    .onConflictDoNothing();
}

function duration(from: Date, to: Date): string {
  const seconds = Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

