import type { Db } from '../../db/client';
import { scrubStoredSamples } from '../privacy/scrub-samples';
import type { EffectDeps } from '../../nodes/effect-deps';
import { createConnectors } from './connectors';
import { createExternalIdStore } from './external-id-store';

/**
 * What node effects depend on, for one workspace: the external-ID store on PostgreSQL, record
 * gateways / HTTP through that workspace's connections (secrets decrypted inside the activity,
 * never in workflow history), and privacy scrubbing of the workspace's stored run samples
 * (privacy/scrub-samples.ts, shared with the Anonymise action). Built per run, from the run's own
 * workspace: a connection id of another workspace is "not found".
 */
export function createEffectDeps(db: Db, scope: { workspaceId: string }): EffectDeps {
  const connectors = createConnectors(db, scope);
  return {
    externalIds: createExternalIdStore(db),
    records: connectors.records,
    http: connectors.http,
    privacy: {
      scrubSubjects: ({ workspaceId, subjectKeys, values }) => scrubStoredSamples(db, workspaceId, { keys: subjectKeys, values }),
    },
  };
}
