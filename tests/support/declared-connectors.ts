/**
 * Set-up shared by the tests of declared connectors (tests/connectors/*.int.test.ts): a fresh
 * database and workspace, connections of kind `connector` pointed at a contract fake, the worker's
 * connectors scoped to the workspace, and a live flow whose poll trigger is read by the worker's own
 * poll activity (cursor in poll_cursors, pages as inbox events).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { openDb, type DbHandle } from '../../db/client';
import { flows, flowVersions, inboxEvents } from '../../db/schema';
import { createConnection } from '../../domain/connections/connection-service';
import { createConnectors } from '../../domain/connectors/connectors';
import { createTriggerActivities } from '../../temporal/activities/triggers';
import { insertUser, insertWorkspace } from './app-context';
import { createTestDatabase, type TestDatabase } from './database';

process.env.SYNCLINE_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

const lit = (value: unknown) => ({ kind: 'literal' as const, value });

export interface ConnectorTestContext {
  readonly handle: DbHandle;
  readonly workspaceId: string;
  /** A connection of kind `connector`; private addresses allowed (the fake listens on loopback). */
  connect(settings: { connector: string; authMethod?: string; params?: Record<string, string>; baseUrl: string; definition?: unknown }, secret: string): Promise<string>;
  connectors(): ReturnType<typeof createConnectors>;
  /** A live flow polling `objectType` of the connection; returns its id. */
  pollFlow(connectionId: string, objectType: string, options?: { pageSize?: number; lookbackMs?: number; idField?: string; modifiedField?: string }): Promise<string>;
  /** One poll tick (the worker's activity); the items of every event it wrote so far, in order. */
  poll(flowId: string): Promise<{ events: Record<string, unknown>[][]; outcome: Awaited<ReturnType<ReturnType<typeof createTriggerActivities>['pollOnce']>> }>;
  close(): Promise<void>;
}

export async function startConnectorTest(): Promise<ConnectorTestContext> {
  const database: TestDatabase = await createTestDatabase();
  const handle = openDb(database.url, { max: 6 });
  const user = await insertUser(handle.db, 'Connector tester');
  const workspaceId = await insertWorkspace(handle.db, 'Connectors', [{ userId: user.id, role: 'admin' }]);
  const actor = { workspaceId, userId: user.id };
  const triggers = createTriggerActivities(handle.db);
  return {
    handle,
    workspaceId,
    async connect(settings, secret) {
      const created = await createConnection(handle.db, actor, {
        name: `${settings.connector} ${randomUUID().slice(0, 6)}`,
        kind: 'connector',
        settings: { authMethod: '', params: {}, ...settings },
        secret,
        integrationIdentity: '',
        owner: '',
        description: '',
        scopes: [],
        credentialExpiresAt: null,
        allowPrivateNetwork: true,
      });
      return created.id;
    },
    connectors: () => createConnectors(handle.db, { workspaceId }),
    async pollFlow(connectionId, objectType, options = {}) {
      const flowId = randomUUID();
      const graph = {
        schemaVersion: 1,
        nodes: [
          {
            id: 'poll', type: 'core.poll-trigger', typeVersion: 1, label: 'Changed',
            config: { connectionId: lit(connectionId), objectType: lit(objectType), pageSize: lit(options.pageSize ?? 100), lookbackMs: lit(options.lookbackMs ?? 0), intervalSeconds: lit(3600),
              ...(options.idField ? { idField: lit(options.idField) } : {}), ...(options.modifiedField ? { modifiedField: lit(options.modifiedField) } : {}) },
          },
        ],
        edges: [],
        layout: {},
      };
      const versionId = randomUUID();
      await handle.db.insert(flows).values({ id: flowId, workspaceId, name: `Poll ${flowId.slice(0, 6)}`, draft: graph, webhookToken: randomBytes(16).toString('hex'), status: 'active' });
      await handle.db.insert(flowVersions).values({ id: versionId, flowId, workspaceId, version: 1, graph });
      await handle.db.update(flows).set({ activeVersionId: versionId }).where(eq(flows.id, flowId));
      return flowId;
    },
    async poll(flowId) {
      const outcome = await triggers.pollOnce({ workspaceId, flowId, nodeId: 'poll' });
      const rows = await handle.db.select({ payload: inboxEvents.payload }).from(inboxEvents).where(and(eq(inboxEvents.flowId, flowId), eq(inboxEvents.source, 'poll'))).orderBy(asc(inboxEvents.seq));
      return { events: rows.map((r) => r.payload as Record<string, unknown>[]), outcome };
    },
    async close() {
      await handle.close();
      await database.drop();
    },
  };
}
