/**
 * A fresh installation with the demo, as `npm start` runs it: the production web app and a worker on a test
 * database, beside the real demo CRM and helpdesk (each on its own database), wired with the same variables
 * scripts/supervisor/demo-systems.ts hands the web app and the worker. The CRM knows two API keys: the
 * integration's (`svc-sync`, Syncline's own writes) and a person's (`alice`), for changes made "by hand".
 *
 *   const demo = await startDemoInstallation({ syncKey: 'x-sync', personKey: 'x-alice' });
 *   ...
 *   await demo.stop();
 */
import { startDemoCrm, type DemoCrm } from '../../examples/demo-crm/service';
import { startDemoHelpdesk, type DemoHelpdesk } from '../../examples/demo-helpdesk/service';
import { createDemoDatabases } from '../../examples/shared/test-databases';
import { startApp, type RunningApp } from './app-server';
import { createTestDatabase, type TestDatabase } from './database';

export interface DemoInstallation {
  readonly database: TestDatabase;
  readonly crm: DemoCrm;
  readonly helpdesk: DemoHelpdesk;
  readonly app: RunningApp;
  /** Stops the app and the demo systems and drops their databases. */
  stop(): Promise<void>;
}

export async function startDemoInstallation(keys: { syncKey: string; personKey: string }): Promise<DemoInstallation> {
  const database = await createTestDatabase();
  const demoDbs = await createDemoDatabases();
  const crm = await startDemoCrm({ databaseUrl: demoDbs.crmUrl, port: 0, apiKeys: new Map([[keys.syncKey, 'svc-sync'], [keys.personKey, 'alice']]), log: () => {} });
  const helpdesk = await startDemoHelpdesk({ databaseUrl: demoDbs.helpdeskUrl, port: 0 });
  const app = await startApp({
    databaseUrl: database.url,
    env: { DEMO_CRM_URL: crm.url, DEMO_CRM_API_KEY: keys.syncKey, DEMO_HELPDESK_URL: helpdesk.url, DEMO_HELPDESK_DATABASE_URL: demoDbs.helpdeskUrl },
  });
  return {
    database,
    crm,
    helpdesk,
    app,
    stop: async () => {
      await app.stop();
      await crm.stop();
      await helpdesk.stop();
      await demoDbs.drop();
      await database.drop();
    },
  };
}
