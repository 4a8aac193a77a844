/**
 * The demo CRM as the demo-workspace scenarios run it: a person (`alice`) and the integration
 * (`svc-sync`) with their own API keys, and webhook deliveries retried and polled quickly.
 *
 *   crm = await startScenarioDemoCrm(demoDbs.crmUrl, { syncKey: SYNC_KEY, aliceKey: ALICE_KEY });
 */
import { startDemoCrm, type DemoCrm } from '../../examples/demo-crm/service';

export function startScenarioDemoCrm(databaseUrl: string, keys: { syncKey: string; aliceKey: string }): Promise<DemoCrm> {
  return startDemoCrm({
    databaseUrl,
    port: 0,
    apiKeys: new Map([[keys.syncKey, 'svc-sync'], [keys.aliceKey, 'alice']]),
    webhooks: { retryBaseMs: 100, pollMs: 50 },
    log: () => {},
  });
}
