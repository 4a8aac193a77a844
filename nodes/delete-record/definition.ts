import { z } from 'zod';
import { defineNode } from '../../flows-engine/index';
import { connectionIdField, RECORD_CONNECTION_KINDS } from '../connection-field';

/**
 * Deletes records in a target system: hard delete, soft delete, or flag for deletion. Optionally
 * forgets the records' id mappings (both directions), for deletes that end a record's sync.
 */
export const deleteRecordNode = defineNode({
  type: 'sync.delete-record',
  version: 1,
  group: 'sync',
  title: 'Delete record',
  description: 'Delete, soft-delete or flag a record in another system',
  help: '"Flag" only marks the record for someone to review; "soft" hides it; "hard" removes it for good.',
  ports: { in: ['main'], out: ['main'] },
  config: z.object({
    connectionId: connectionIdField({ label: 'Delete in', kinds: RECORD_CONNECTION_KINDS }),
    objectType: z.string().min(1, 'Enter the object type').meta({ label: 'Object type', picker: 'object' }),
    externalIdPath: z.string().min(1).default('id').meta({ label: 'External id field', picker: 'input-field' }),
    mode: z.enum(['hard', 'soft', 'flag']).default('flag').meta({ label: 'How' }),
    forgetMappings: z
      .boolean()
      .default(false)
      .meta({ label: 'Also forget their id mappings', help: 'Removes every mapping row that names these records, so a later record with the same key is treated as new.' }),
  }),
  writesRecords: true,
  effect: true,
});
