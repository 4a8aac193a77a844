import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { createConnection } from '../../domain/connections/connection-service';
import type { Db } from '../../db/client';
import { connections, flows } from '../../db/schema';
import { newWebhookToken, publishFlow, setFlowStatus } from '../../app/_server/flows/flow-service';
import type { Flow, FlowInput, RetryPolicy } from '../../flows-engine/index';

const lit = (value: unknown) => ({ kind: 'literal' as const, value });

/**
 * Webhook -> Filter (has an email) -> Transform (normalise) -> Continue If (not a test contact)
 * -> Lookup external ID -> (notFound) Save external ID: the sync-shaped flow of the durable tests.
 */
export function contactIntakeFlow(connectionId = PLACEHOLDER_CONNECTION): Omit<FlowInput, 'id' | 'name'> {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'hook', type: 'core.webhook-trigger', typeVersion: 1, label: 'Contact changed', config: {} },
      {
        id: 'filter',
        type: 'core.filter',
        typeVersion: 1,
        label: 'Has an email',
        config: { conditions: lit([{ field: 'email', operator: 'isNotEmpty' }]) },
      },
      {
        id: 'transform',
        type: 'core.transform',
        typeVersion: 1,
        label: 'Normalise',
        config: {
          mappings: lit([
            { target: 'email', source: { kind: 'expr', source: '$lowercase(email)' } },
            { target: 'recordKey', source: { kind: 'expr', source: "'rk-' & id" } },
          ]),
        },
      },
      {
        id: 'guard',
        type: 'core.continue-if',
        typeVersion: 1,
        label: 'Not a test contact',
        config: { conditions: lit([{ field: 'email', operator: 'notContains', value: '@test.invalid' }]) },
      },
      {
        id: 'lookup',
        type: 'sync.lookup-external-id',
        typeVersion: 1,
        label: 'Known contact?',
        config: { connectionId: lit(connectionId), objectType: lit('contact'), externalIdPath: lit('id') },
      },
      {
        id: 'save',
        type: 'sync.save-external-id',
        typeVersion: 1,
        label: 'Remember contact',
        config: {
          connectionId: lit(connectionId),
          objectType: lit('contact'),
          externalIdPath: lit('id'),
          recordKeyPath: lit('recordKey'),
        },
      },
    ],
    edges: [
      { id: 'e1', from: { node: 'hook', port: 'main' }, to: { node: 'filter', port: 'main' } },
      { id: 'e2', from: { node: 'filter', port: 'kept' }, to: { node: 'transform', port: 'main' } },
      { id: 'e3', from: { node: 'transform', port: 'main' }, to: { node: 'guard', port: 'main' } },
      { id: 'e4', from: { node: 'guard', port: 'main' }, to: { node: 'lookup', port: 'main' } },
      { id: 'e5', from: { node: 'lookup', port: 'notFound' }, to: { node: 'save', port: 'main' } },
    ],
    layout: {},
  };
}

/** The placeholder connection id of the fixtures; {@link createPublishedFlow} binds it to a real connection. */
export const PLACEHOLDER_CONNECTION = 'crm';

/** A REST connection "Test CRM" in the workspace (created once), with `svc-sync` as its integration identity. */
export async function ensureTestConnection(db: Db, actor: { workspaceId: string; userId: string }): Promise<string> {
  const [existing] = await db
    .select({ id: connections.id })
    .from(connections)
    .where(and(eq(connections.workspaceId, actor.workspaceId), eq(connections.name, 'Test CRM')));
  if (existing) return existing.id;
  return createTestRestConnection(db, actor, 'Test CRM', 'http://127.0.0.1:9');
}

/** A REST connection to `baseUrl` (no auth, loopback allowed), with `svc-sync` as its integration identity. */
export async function createTestRestConnection(db: Db, actor: { workspaceId: string; userId: string }, name: string, baseUrl: string): Promise<string> {
  const created = await createConnection(db, actor, {
    name,
    kind: 'rest',
    settings: { baseUrl, auth: { type: 'none' } },
    integrationIdentity: 'svc-sync',
    owner: '',
    description: '',
    scopes: [],
    credentialExpiresAt: null,
    allowPrivateNetwork: true,
  });
  return created.id;
}

/** Replaces the placeholder connection id in every node config with `connectionId`. */
function bindConnection(graph: Omit<FlowInput, 'id' | 'name'>, connectionId: string): Omit<FlowInput, 'id' | 'name'> {
  return {
    ...graph,
    nodes: graph.nodes.map((node) => ({
      ...node,
      config: Object.fromEntries(
        Object.entries(node.config ?? {}).map(([field, source]) => [
          field,
          field === 'connectionId' && source.kind === 'literal' && source.value === PLACEHOLDER_CONNECTION ? lit(connectionId) : source,
        ]),
      ),
    })),
  };
}

/**
 * Inserts a flow with `graph` as its draft (the placeholder connection bound to the workspace's test
 * connection), publishes it with full validation and sets its status; returns ids and the webhook token.
 */
export async function createPublishedFlow(
  db: Db,
  actor: { workspaceId: string; userId: string },
  unboundGraph: Omit<FlowInput, 'id' | 'name'>,
  status: 'active' | 'paused' = 'active',
): Promise<{ flowId: string; token: string; connectionId: string }> {
  const connectionId = await ensureTestConnection(db, actor);
  const graph = bindConnection(unboundGraph, connectionId);
  const flowId = randomUUID();
  const token = newWebhookToken();
  const name = `Test flow ${flowId.slice(0, 6)}`;
  await db.insert(flows).values({
    id: flowId,
    workspaceId: actor.workspaceId,
    name,
    draft: { ...graph, id: flowId, name } as Flow,
    webhookToken: token,
  });
  const outcome = await publishFlow(db, actor, { flowId, note: 'test' });
  if (!outcome.published) throw new Error(`test flow does not validate: ${JSON.stringify(outcome.issues)}`);
  await setFlowStatus(db, actor, { flowId, status: 'active' });
  if (status === 'paused') await setFlowStatus(db, actor, { flowId, status: 'paused' });
  return { flowId, token, connectionId };
}

/**
 * Webhook → Filter (customers) → Continue If (not the integration's own change, svc-sync) → Save mapping
 * → Notify (POST `notifyPath` on the connection's base URL, with `retry`): one event of each outcome.
 */
export function customerNotifyFlow(
  crm: string,
  notifyPath: string,
  retry: RetryPolicy = { maximumAttempts: 1, initialIntervalMs: 100, backoffCoefficient: 2, maximumIntervalMs: 1000 },
): Omit<FlowInput, 'id' | 'name'> {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'hook', type: 'core.webhook-trigger', typeVersion: 1, label: 'Contact changed', config: { orderingKeyPath: lit('id') } },
      { id: 'customers', type: 'core.filter', typeVersion: 1, label: 'Customers only', config: { conditions: lit([{ field: 'status', operator: 'equals', value: 'customer' }]) } },
      {
        id: 'guard',
        type: 'core.continue-if',
        typeVersion: 1,
        label: 'Not our own change',
        config: { conditions: lit([{ field: 'modifiedBy', operator: 'isNotIntegrationAccount', connectionId: crm }]) },
      },
      {
        id: 'save',
        type: 'sync.save-external-id',
        typeVersion: 1,
        label: 'Remember contact',
        config: { connectionId: lit(crm), objectType: lit('contact'), externalIdPath: lit('id'), recordKeyPath: lit('id') },
      },
      {
        id: 'notify',
        type: 'http.request',
        typeVersion: 1,
        label: 'Notify the CRM',
        config: { connectionId: lit(crm), method: lit('POST'), url: lit(notifyPath), sendItemAsBody: lit(true) },
        settings: { retry, timeoutMs: 10_000, onError: 'fail' },
      },
    ],
    edges: [
      { id: 'e1', from: { node: 'hook', port: 'main' }, to: { node: 'customers', port: 'main' } },
      { id: 'e2', from: { node: 'customers', port: 'kept' }, to: { node: 'guard', port: 'main' } },
      { id: 'e3', from: { node: 'guard', port: 'main' }, to: { node: 'save', port: 'main' } },
      { id: 'e4', from: { node: 'save', port: 'main' }, to: { node: 'notify', port: 'main' } },
    ],
    layout: {},
  } as Omit<FlowInput, 'id' | 'name'>;
}

/** Publishes `graph` (connection ids already bound) as the flow's next version, as a fix would be. */
export async function publishNewVersion(db: Db, actor: { workspaceId: string; userId: string }, flowId: string, graph: Omit<FlowInput, 'id' | 'name'>): Promise<void> {
  const [flow] = await db.select({ name: flows.name }).from(flows).where(and(eq(flows.id, flowId), eq(flows.workspaceId, actor.workspaceId)));
  if (!flow) throw new Error(`no flow ${flowId} in the workspace`);
  await db.update(flows).set({ draft: { ...graph, id: flowId, name: flow.name } as Flow }).where(eq(flows.id, flowId));
  const outcome = await publishFlow(db, actor, { flowId, note: 'the fix' });
  if (!outcome.published) throw new Error(`the new version does not validate: ${JSON.stringify(outcome.issues)}`);
}
