import type { Db } from '../../db/client';
import { scrubStoredSamples } from '../privacy/scrub-samples';
import type { EffectDeps } from '../../nodes/effect-deps';
import { createConnectors } from './connectors';
import { createExternalIdStore } from './external-id-store';

/**
 * The worker's implementation of what node effects depend on: the external-ID store on
 * PostgreSQL, and record gateways / HTTP through connections (secrets decrypted inside the
 * activity, never in workflow history), and privacy scrubbing of the workspace's stored run
 * samples (app/_server/privacy/scrub-samples.ts, shared with the Anonymise action).
 */
export function createEffectDeps(db: Db): EffectDeps {
  const connectors = createConnectors(db);
  return {
    externalIds: createExternalIdStore(db),
    records: connectors.records,
    http: connectors.http,
    privacy: {
      scrubSubjects: ({ workspaceId, subjectKeys, values }) => scrubStoredSamples(db, workspaceId, { keys: subjectKeys, values }),
    },
  };
}
