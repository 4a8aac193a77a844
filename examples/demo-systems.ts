/**
 * The two demo systems' databases on Syncline's own PostgreSQL cluster, for the supervisor, tests and
 * benches. Creates them when missing and applies both schemas (idempotent), so the helpdesk tables exist
 * for Syncline's PostgreSQL connection even before (or without) the helpdesk's web page running.
 */
import { applyCrmSchema } from './demo-crm/schema';
import { applyHelpdeskSchema } from './demo-helpdesk/schema';
import { connect, ensureDatabase, withDatabase } from './shared/database';

export const DEMO_CRM_DATABASE = 'demo_crm';
export const DEMO_HELPDESK_DATABASE = 'demo_helpdesk';

export interface DemoDatabases {
  crmUrl: string;
  helpdeskUrl: string;
}

/**
 * `adminUrl`: any URL on the cluster whose user may CREATE DATABASE (the database in it only serves to
 * connect). Names default to demo_crm / demo_helpdesk; tests pass unique ones.
 */
export async function ensureDemoDatabases(
  adminUrl: string,
  names: { crm?: string; helpdesk?: string } = {},
): Promise<DemoDatabases> {
  const crm = names.crm ?? DEMO_CRM_DATABASE;
  const helpdesk = names.helpdesk ?? DEMO_HELPDESK_DATABASE;
  await ensureDatabase(adminUrl, crm);
  await ensureDatabase(adminUrl, helpdesk);
  const urls = { crmUrl: withDatabase(adminUrl, crm), helpdeskUrl: withDatabase(adminUrl, helpdesk) };
  await Promise.all([
    withConnection(urls.crmUrl, applyCrmSchema),
    withConnection(urls.helpdeskUrl, applyHelpdeskSchema),
  ]);
  return urls;
}

async function withConnection(url: string, apply: (sql: ReturnType<typeof connect>) => Promise<void>): Promise<void> {
  const sql = connect(url, 1);
  try {
    await apply(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
