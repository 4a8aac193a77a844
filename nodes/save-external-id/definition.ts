import { z } from 'zod';
import { defineNode } from '../../flows-engine/index';
import { connectionIdField, RECORD_CONNECTION_KINDS } from '../connection-field';

/** Saves `(external id -> record key)` mappings, typically right after creating records. */
export const saveExternalIdNode = defineNode({
  type: 'sync.save-external-id',
  version: 1,
  group: 'sync',
  title: 'Save external ID',
  description: 'Remember which record an id from another system belongs to',
  help: 'Save the mapping after creating a record, so the next run finds it. Saving the same mapping twice is harmless.',
  ports: { in: ['main'], out: ['main'] },
  config: z.object({
    connectionId: connectionIdField({ label: 'System the id comes from', kinds: RECORD_CONNECTION_KINDS }),
    objectType: z.string().min(1, 'Enter the object type').meta({ label: 'Object type', picker: 'object' }),
    externalIdPath: z.string().min(1).meta({ label: 'External id field', picker: 'input-field' }),
    recordKeyPath: z.string().min(1).meta({ label: 'Record key field', picker: 'input-field' }),
  }),
  effect: true,
});
