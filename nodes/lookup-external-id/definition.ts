import { z } from 'zod';
import { defineNode } from '../../flows-engine/index';
import { connectionIdField, RECORD_CONNECTION_KINDS } from '../connection-field';

/**
 * Looks up each item's external id in the external-ID table. Items whose mapping exists leave by
 * `found` with the record key added (at `recordKeyField`); the others leave by `notFound`.
 */
export const lookupExternalIdNode = defineNode({
  type: 'sync.lookup-external-id',
  version: 1,
  group: 'sync',
  title: 'Lookup external ID',
  description: 'Find the shared record key of an id from another system',
  help: 'Look up before writing: "found" items already exist on the other side, "not found" items are new.',
  ports: { in: ['main'], out: ['found', 'notFound'] },
  config: z.object({
    connectionId: connectionIdField({ label: 'System the id comes from', kinds: RECORD_CONNECTION_KINDS }),
    objectType: z.string().min(1, 'Enter the object type').meta({ label: 'Object type', placeholder: 'contact', picker: 'object' }),
    externalIdPath: z.string().min(1).default('id').meta({ label: 'External id field', picker: 'input-field' }),
    recordKeyField: z.string().min(1).default('recordKey').meta({ label: 'Put the record key in' }),
  }),
  effect: true,
});
