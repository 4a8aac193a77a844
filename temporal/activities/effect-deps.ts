import type { Db } from '../../db/client';
import { UserError } from '../../flows-engine/index';
import type { EffectDeps } from '../../nodes/effect-deps';
import { createConnectors } from './connectors/index';
import { createExternalIdStore } from './external-id-store';

/**
 * The worker's implementation of what node effects depend on: the external-ID store on
 * PostgreSQL, and record gateways / HTTP through connections (secrets decrypted inside the
 * activity, never in workflow history). Privacy scrubbing of run samples is not built yet: it
 * refuses with a user-facing error rather than pretend to have scrubbed anything.
 */
export function createEffectDeps(db: Db): EffectDeps {
  const connectors = createConnectors(db);
  return {
    externalIds: createExternalIdStore(db),
    records: connectors.records,
    http: connectors.http,
    privacy: {
      scrubSubjects: () => {
        throw new UserError('Scrubbing run samples of a data subject is not available in this Syncline version yet.');
      },
    },
  };
}
