import type { Db } from '../../db/client';
import { UserError } from '../../flows-engine/index';
import type { EffectDeps } from '../../nodes/effect-deps';
import { createExternalIdStore } from './external-id-store';

/**
 * The worker's implementation of what node effects depend on. The external-ID
 * store is real PostgreSQL. Record gateways, HTTP through connections and
 * privacy scrubbing need integration accounts (connections with their secrets),
 * which are not built yet: until then they refuse with a user-facing error
 * rather than pretend to have written anything.
 */
export function createEffectDeps(db: Db): EffectDeps {
  const notYet = (what: string) => () => {
    throw new UserError(`${what} needs integration accounts (connections), which this Syncline version cannot use yet.`);
  };
  return {
    externalIds: createExternalIdStore(db),
    records: {
      upsertMany: notYet('Writing records to a connected system'),
      deleteMany: notYet('Deleting records in a connected system'),
      anonymiseMany: notYet('Anonymising records in a connected system'),
    },
    http: { request: notYet('An HTTP request through a connection') },
    privacy: { scrubSubjects: notYet('Scrubbing run samples') },
  };
}
