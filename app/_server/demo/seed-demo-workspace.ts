/**
 * The first-run demo workspace: "Demo: CRM ⇄ Helpdesk" with the two demo systems of examples/ connected
 * and the sample flows of examples/flows/ imported, published and active (the poll one with its Temporal
 * Schedule), the webhook one's URL subscribed in the demo CRM. Runs only when the demo env is present
 * (`npm start` passes it to the web app); idempotent per user: a second call returns the existing workspace and re-subscribes the webhook
 * if the CRM lost the subscription (e.g. its database was reset).
 *
 * One demo per installation: the demo systems are shared, so every demo workspace with active sample
 * flows would add a CRM subscription and process each change once more. Sign-up (`explicit` false)
 * creates the installation's demo only when there is none yet; later users (and users who join a
 * workspace by invitation) get no demo of their own unless they ask for one with the explicit
 * button. A demo asked for while another one's sample flows are active keeps its flows published but
 * paused and unsubscribed, and says why (a warning), so nothing is ever processed twice.
 */
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { auditLog, connections, flows, memberships, workspaces } from '../../../db/schema';
import crmToHelpdeskDoc from '../../../examples/flows/crm-to-helpdesk-contacts.flow.json';
import helpdeskToCrmDoc from '../../../examples/flows/helpdesk-to-crm-phone-tier.flow.json';
import { createConnection } from '../../../domain/connections/connection-service';
import { resolveConnection } from '../../../domain/connections/resolve';
import { importFlowDoc } from '../flows/flow-lifecycle';
import { publishFlow, setFlowStatus, type Actor } from '../flows/flow-service';
import { createDefaultAlertRules } from '../../../domain/alerts/default-rules';
import { activeDemoElsewhere } from './shared-demo-guard';

export const DEMO_WORKSPACE_NAME = 'Demo: CRM ⇄ Helpdesk';
export const DEMO_CRM_CONNECTION = 'Demo CRM';
export const DEMO_CRM_WEBHOOKS_CONNECTION = 'Demo CRM webhooks';
export const DEMO_HELPDESK_CONNECTION = 'Demo helpdesk';
/** Who the integration writes as in both demo systems (loop prevention compares with it). */
export const DEMO_INTEGRATION_IDENTITY = 'svc-sync';

export const DEMO_FLOWS = {
  crmToHelpdesk: {
    document: crmToHelpdeskDoc as unknown,
    name: 'CRM → Helpdesk contacts',
    status: 'active' as 'active' | 'paused',
    description:
      'Live. The demo CRM calls this flow’s webhook on every contact change. Changes made by the integration account (svc-sync) are skipped, ' +
      'so nothing echoes back. The CRM is the system of record for the name; email is edited on both sides: the newest change wins (within ' +
      '2 s of each other, the CRM wins). A contact deleted in the CRM is flagged for deletion in the helpdesk, for an agent to review.',
  },
  helpdeskToCrm: {
    document: helpdeskToCrmDoc as unknown,
    name: 'Helpdesk → CRM phone and tier',
    status: 'active' as 'active' | 'paused',
    description:
      'Live. Polls the helpdesk database every 30 s. The helpdesk is the system of record for phone and support tier; email is shared (newest ' +
      'change wins, the CRM within 2 s). Customers created in the helpdesk are created in the CRM; customers deleted in the helpdesk (a hard ' +
      'delete) are noticed by comparing the mappings with the ids the helpdesk still has, and their CRM contact is soft-deleted. While the CRM is down, writes are retried (up to 100 times) and later changes wait their turn.',
  },
} as const;

export interface DemoEnv {
  crmUrl: string;
  crmApiKey: string;
  helpdeskDatabaseUrl: string;
  /** The web app's own base URL (BETTER_AUTH_URL): the CRM posts webhooks there. Null: no subscription. */
  appUrl: string | null;
}

/** The demo env, or null when the demo systems are not configured (e.g. `SYNCLINE_DEMO=off`). */
export function demoEnvFrom(env: NodeJS.ProcessEnv = process.env): DemoEnv | null {
  const crmUrl = env.DEMO_CRM_URL?.trim();
  const crmApiKey = env.DEMO_CRM_API_KEY?.trim();
  const helpdeskDatabaseUrl = env.DEMO_HELPDESK_DATABASE_URL?.trim();
  if (!crmUrl || !crmApiKey || !helpdeskDatabaseUrl) return null;
  return { crmUrl: crmUrl.replace(/\/+$/, ''), crmApiKey, helpdeskDatabaseUrl, appUrl: env.BETTER_AUTH_URL?.trim().replace(/\/+$/, '') || null };
}

export interface DemoWorkspace {
  workspaceId: string;
  name: string;
  /** False when the workspace already existed for this user. */
  created: boolean;
  flows: { crmToHelpdesk: string; helpdeskToCrm: string } | null;
  /** The webhook URL subscribed in the demo CRM, or null (see warnings). */
  webhookUrl: string | null;
  /** Things that did not work but do not prevent using the workspace (the CRM was down, no app URL…). */
  warnings: string[];
}

/**
 * Creates (or finds) the user's demo workspace. Returns null when the demo env is absent.
 *
 * @example
 * ```ts
 * const demo = await seedDemoWorkspace(db, { userId: user.id });
 * if (demo) ctx.rememberWorkspace(demo.workspaceId);
 * ```
 */
export async function seedDemoWorkspace(
  db: Db,
  input: { userId: string; name?: string; explicit?: boolean },
  env: DemoEnv | null = demoEnvFrom(),
): Promise<DemoWorkspace | null> {
  if (!env) return null;
  const name = input.name?.trim() || DEMO_WORKSPACE_NAME;
  const existing = await findDemoWorkspace(db, input.userId, name);
  if (existing) {
    const actor = { workspaceId: existing, userId: input.userId };
    const flowIds = await findDemoFlows(db, existing);
    const warnings: string[] = [];
    const live = flowIds ? await isActive(db, existing, flowIds.crmToHelpdesk) : false;
    const webhookUrl = flowIds && live ? await subscribeFlowWebhook(db, env, actor, flowIds.crmToHelpdesk, warnings) : null;
    return { workspaceId: existing, name, created: false, flows: flowIds, webhookUrl, warnings };
  }
  if (!input.explicit && (await installationHasDemo(db))) return null;
  const sharedWithAnother = await activeDemoElsewhere(db);

  const workspaceId = await db.transaction(async (tx) => {
    const [created] = await tx.insert(workspaces).values({ name }).returning({ id: workspaces.id });
    if (!created) throw new Error('workspace insert returned no row');
    await tx.insert(memberships).values({ workspaceId: created.id, userId: input.userId, role: 'admin' });
    await createDefaultAlertRules(tx, { workspaceId: created.id, userId: input.userId });
    await tx.insert(auditLog).values({
      workspaceId: created.id,
      actorUserId: input.userId,
      action: 'workspace.created',
      targetType: 'workspace',
      targetId: created.id,
      details: { name, demo: true },
    });
    return created.id;
  });
  const actor: Actor = { workspaceId, userId: input.userId };
  const common = { integrationIdentity: DEMO_INTEGRATION_IDENTITY, owner: '', scopes: [], credentialExpiresAt: null, allowPrivateNetwork: true };
  await createConnection(db, actor, {
    ...common,
    name: DEMO_CRM_CONNECTION,
    kind: 'demo-crm',
    description: `The demo CRM of examples/demo-crm (${env.crmUrl}). The API key is the integration's: its writes show modifiedBy = svc-sync.`,
    settings: { baseUrl: `${env.crmUrl}/api`, healthPath: 'contacts?limit=1', auth: { type: 'bearer' } },
    secret: env.crmApiKey,
  });
  await createConnection(db, actor, {
    ...common,
    name: DEMO_HELPDESK_CONNECTION,
    kind: 'demo-helpdesk',
    description: 'The demo helpdesk database of examples/demo-helpdesk. Flows write updated_by = svc-sync on every row they touch.',
    settings: { schema: 'public' },
    secret: env.helpdeskDatabaseUrl,
  });
  // The CRM signs its webhooks with this secret; the intake checks every delivery against it.
  await createConnection(db, actor, {
    ...common,
    integrationIdentity: '',
    name: DEMO_CRM_WEBHOOKS_CONNECTION,
    kind: 'webhook',
    description: 'The shared secret the demo CRM signs its webhook deliveries with (x-signature).',
    settings: {},
    secret: randomBytes(24).toString('base64url'),
  });

  const warnings: string[] = [];
  const ids: Record<keyof typeof DEMO_FLOWS, string> = { crmToHelpdesk: '', helpdeskToCrm: '' };
  for (const key of Object.keys(DEMO_FLOWS) as (keyof typeof DEMO_FLOWS)[]) {
    const sample = DEMO_FLOWS[key];
    const { id, issues } = await importFlowDoc(db, actor, { document: sample.document, name: sample.name });
    if (issues.length) warnings.push(`${sample.name}: ${issues.map((i) => i.message).join('; ')}`);
    await db.update(flows).set({ description: sample.description }).where(and(eq(flows.id, id), eq(flows.workspaceId, workspaceId)));
    const published = await publishFlow(db, actor, { flowId: id, note: 'Sample flow of the demo workspace' });
    if (!published.published) {
      warnings.push(`${sample.name} was not published: ${published.issues.map((i) => i.message).join('; ')}`);
    } else {
      // The same lifecycle call as the editor's Activate button (it creates the poll flow's Temporal Schedule).
      // Temporal unreachable must not cost the user their workspace: the flow stays a draft with its version
      // published, and the demo banner on the flows page offers to activate it.
      try {
        if (!sharedWithAnother) await setFlowStatus(db, actor, { flowId: id, status: sample.status });
      } catch (error) {
        warnings.push(`${sample.name} is not active yet: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    ids[key] = id;
  }
  if (sharedWithAnother) {
    warnings.push(
      'The sample flows are published but not active: another demo workspace already syncs the shared demo CRM and helpdesk, and a second active copy would process every change twice. Pause that workspace’s sample flows before activating these.',
    );
    return { workspaceId, name, created: true, flows: ids, webhookUrl: null, warnings };
  }
  const webhookUrl = await subscribeFlowWebhook(db, env, actor, ids.crmToHelpdesk, warnings);
  return { workspaceId, name, created: true, flows: ids, webhookUrl, warnings };
}

/** A demo workspace is one connected to the demo CRM (as in demo-info.ts). */
async function installationHasDemo(db: Db): Promise<boolean> {
  const [row] = await db.select({ id: connections.id }).from(connections).where(eq(connections.kind, 'demo-crm')).limit(1);
  return Boolean(row);
}

async function isActive(db: Db, workspaceId: string, flowId: string): Promise<boolean> {
  const [row] = await db.select({ status: flows.status }).from(flows).where(and(eq(flows.id, flowId), eq(flows.workspaceId, workspaceId)));
  return row?.status === 'active';
}

async function findDemoWorkspace(db: Db, userId: string, name: string): Promise<string | null> {
  const [row] = await db
    .select({ id: workspaces.id })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(and(eq(memberships.userId, userId), eq(memberships.role, 'admin'), eq(workspaces.name, name)))
    .limit(1);
  return row?.id ?? null;
}

async function findDemoFlows(db: Db, workspaceId: string): Promise<DemoWorkspace['flows']> {
  const rows = await db.select({ id: flows.id, name: flows.name }).from(flows).where(eq(flows.workspaceId, workspaceId));
  const byName = new Map(rows.map((r) => [r.name, r.id]));
  const crmToHelpdesk = byName.get(DEMO_FLOWS.crmToHelpdesk.name);
  const helpdeskToCrm = byName.get(DEMO_FLOWS.helpdeskToCrm.name);
  return crmToHelpdesk && helpdeskToCrm ? { crmToHelpdesk, helpdeskToCrm } : null;
}

/**
 * Subscribes the flow's webhook URL in the demo CRM unless a subscription for it exists, with the secret
 * of the "Demo CRM webhooks" connection, so the intake can verify every delivery's signature.
 */
async function subscribeFlowWebhook(db: Db, env: DemoEnv, actor: Actor, flowId: string, warnings: string[]): Promise<string | null> {
  if (!env.appUrl) {
    warnings.push('BETTER_AUTH_URL is not set, so the demo CRM was not told where to send its webhooks.');
    return null;
  }
  const [flow] = await db.select({ token: flows.webhookToken }).from(flows).where(and(eq(flows.id, flowId), eq(flows.workspaceId, actor.workspaceId)));
  if (!flow?.token) return null;
  const url = `${env.appUrl}/api/hooks/${flow.token}`;
  const headers = { authorization: `Bearer ${env.crmApiKey}`, 'content-type': 'application/json' };
  try {
    const listed = await fetch(`${env.crmUrl}/api/webhooks`, { headers, signal: AbortSignal.timeout(5000) });
    if (!listed.ok) throw new Error(`listing subscriptions answered ${listed.status}`);
    const { data } = (await listed.json()) as { data: { url: string }[] };
    if (data.some((s) => s.url === url)) return url;
    const created = await fetch(`${env.crmUrl}/api/webhooks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ url, secret: await webhookSecret(db, actor) }),
      signal: AbortSignal.timeout(5000),
    });
    if (!created.ok) throw new Error(`subscribing answered ${created.status}: ${await created.text()}`);
    return url;
  } catch (error) {
    warnings.push(`The demo CRM at ${env.crmUrl} could not be subscribed to the flow's webhook: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

async function webhookSecret(db: Db, actor: Actor): Promise<string> {
  const [row] = await db
    .select({ id: connections.id })
    .from(connections)
    .where(and(eq(connections.workspaceId, actor.workspaceId), eq(connections.name, DEMO_CRM_WEBHOOKS_CONNECTION)));
  const secret = row ? (await resolveConnection(db, { workspaceId: actor.workspaceId, connectionId: row.id })).secret : null;
  if (!secret) throw new Error(`the "${DEMO_CRM_WEBHOOKS_CONNECTION}" connection has no secret`);
  return secret;
}
