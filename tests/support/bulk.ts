/**
 * Fixtures for bulk-load tests and the bulk-sync benchmark: contacts seeded straight into the demo
 * CRM's database (one INSERT ... generate_series, so 100,000 take a second), and a workspace with the
 * two demo connections the way the demo workspace has them.
 */
import postgres from 'postgres';
import type { Db } from '../../db/client';
import { createConnection } from '../../domain/connections/connection-service';
import { insertUser, insertWorkspace } from './app-context';

/** `count` contacts with ids `c-000001`…, emails `person<n>@example.com` and one modifiedAt each. */
export async function seedCrmContacts(crmDatabaseUrl: string, count: number, options: { from?: number } = {}): Promise<void> {
  const sql = postgres(crmDatabaseUrl, { max: 1, onnotice: () => {} });
  try {
    const from = options.from ?? 1;
    await sql`
      insert into contacts (id, first_name, last_name, email, phone, tier, modified_by, modified_at)
      select 'c-' || lpad(n::text, 6, '0'), 'First' || n, 'Last' || n, 'person' || n || '@example.com', '+1 555 ' || n, 'gold', 'alice',
             timestamptz '2024-01-01' + n * interval '1 millisecond'
      from generate_series(${from}::int, ${from + count - 1}::int) as n`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export interface BulkWorkspace {
  workspaceId: string;
  user: { id: string; email: string; name: string };
  crmConnectionId: string;
  helpdeskConnectionId: string;
}

/** A workspace (the user is its admin; or an existing one) with "Demo CRM" (REST, API key of svc-sync) and "Demo helpdesk" (PostgreSQL). */
export async function createBulkWorkspace(
  db: Db,
  options: { crmUrl: string; crmApiKey: string; helpdeskDatabaseUrl: string; user?: BulkWorkspace['user']; workspaceId?: string },
): Promise<BulkWorkspace> {
  const user = options.user ?? (await insertUser(db, 'Loader'));
  const workspaceId = options.workspaceId ?? (await insertWorkspace(db, 'Bulk', [{ userId: user.id, role: 'admin' }]));
  const actor = { workspaceId, userId: user.id };
  const common = { integrationIdentity: 'svc-sync', owner: '', description: '', scopes: [], credentialExpiresAt: null, allowPrivateNetwork: true };
  const crm = await createConnection(db, actor, {
    ...common,
    name: 'Demo CRM',
    kind: 'demo-crm',
    settings: { baseUrl: `${options.crmUrl}/api`, healthPath: 'contacts?limit=1', auth: { type: 'bearer' } },
    secret: options.crmApiKey,
  });
  const helpdesk = await createConnection(db, actor, { ...common, name: 'Demo helpdesk', kind: 'demo-helpdesk', settings: { schema: 'public' }, secret: options.helpdeskDatabaseUrl });
  return { workspaceId, user, crmConnectionId: crm.id, helpdeskConnectionId: helpdesk.id };
}
