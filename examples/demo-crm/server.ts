/**
 * `tsx examples/demo-crm/server.ts`: the demo CRM as a process (started by `npm start`).
 *
 *   DEMO_CRM_DATABASE_URL   its database (created if missing); otherwise
 *   DATABASE_ADMIN_URL      + DEMO_CRM_DATABASE (default demo_crm) on that cluster
 *   DEMO_CRM_PORT           default 4010 (host 127.0.0.1)
 *   DEMO_CRM_API_KEYS / DEMO_CRM_API_KEY   see auth.ts
 */
import { pathToFileURL } from 'node:url';
import { databaseUrlFromEnv, portFromEnv, runService } from '../shared/env';
import { startDemoCrm } from './service';

export { startDemoCrm, type DemoCrm, type DemoCrmOptions } from './service';

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runService('demo-crm', () =>
    startDemoCrm({
      databaseUrl: databaseUrlFromEnv('DEMO_CRM_DATABASE_URL', 'DEMO_CRM_DATABASE', 'demo_crm'),
      port: portFromEnv('DEMO_CRM_PORT', 4010),
    }),
  );
}
