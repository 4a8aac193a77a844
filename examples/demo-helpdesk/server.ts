/**
 * `tsx examples/demo-helpdesk/server.ts`: the demo helpdesk's web page as a process (started by `npm start`).
 *
 *   DEMO_HELPDESK_DATABASE_URL   its database (created if missing); otherwise
 *   DATABASE_ADMIN_URL           + DEMO_HELPDESK_DATABASE (default demo_helpdesk) on that cluster
 *   DEMO_HELPDESK_PORT           default 4020 (host 127.0.0.1)
 */
import { pathToFileURL } from 'node:url';
import { databaseUrlFromEnv, portFromEnv, runService } from '../shared/env';
import { startDemoHelpdesk } from './service';

export { startDemoHelpdesk, type DemoHelpdesk, type DemoHelpdeskOptions } from './service';

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runService('demo-helpdesk', () =>
    startDemoHelpdesk({
      databaseUrl: databaseUrlFromEnv('DEMO_HELPDESK_DATABASE_URL', 'DEMO_HELPDESK_DATABASE', 'demo_helpdesk'),
      port: portFromEnv('DEMO_HELPDESK_PORT', 4020),
    }),
  );
}
