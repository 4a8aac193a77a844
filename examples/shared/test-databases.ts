/**
 * Tests only: fresh demo databases (uniquely named) on the test cluster from tests/setup/global-setup.ts,
 * created through ensureDemoDatabases like `npm start` does, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { ensureDemoDatabases, type DemoDatabases } from '../demo-systems';
import { quoteIdent } from './database';

export async function createDemoDatabases(): Promise<DemoDatabases & { drop(): Promise<void> }> {
  const adminUrl = inject('databaseAdminUrl');
  const suffix = randomBytes(5).toString('hex');
  const names = { crm: `demo_crm_${suffix}`, helpdesk: `demo_helpdesk_${suffix}` };
  const urls = await ensureDemoDatabases(adminUrl, names);
  return {
    ...urls,
    async drop() {
      const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        for (const name of Object.values(names)) await sql.unsafe(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}
