import { z } from 'zod';
import { defineNode } from '../../flows-engine/index';
import { connectionIdField, RECORD_CONNECTION_KINDS } from '../connection-field';
import { conflictPolicyConfig } from './conflict-policy';

/**
 * Creates or updates records in a target system, writing only the mapped fields (the fields this
 * system is the system of record for). Matches by external id first, then by an optional natural
 * key. Each output item gets `upserted: { externalId, created }`.
 *
 * Optional conflict policy for fields both systems edit (two-way sync): before writing, the target
 * record is read; when a shared field differs on both sides, "newest change wins" (with a clock-skew
 * window that falls back to a fixed priority) or a fixed priority decides, and the item gets
 * `conflict: { fields, winner, reason }` so the run detail shows which side won and why.
 */
export const upsertRecordNode = defineNode({
  type: 'sync.upsert-record',
  version: 1,
  group: 'sync',
  title: 'Upsert record',
  description: 'Create or update a record in another system',
  help: 'Map only the fields this system owns. On a two-way sync, put a "Continue if — changed by someone other than the integration account" before this step, and choose who wins for fields both systems edit under Conflicts.',
  ports: { in: ['main'], out: ['main'] },
  config: z.object({
    connectionId: connectionIdField({ label: 'Write to', kinds: RECORD_CONNECTION_KINDS }),
    objectType: z.string().min(1, 'Enter the object type').meta({ label: 'Object type', picker: 'object' }),
    fields: z
      .array(z.object({ target: z.string().min(1, 'Choose a target field'), sourcePath: z.string().min(1, 'Choose a source field') }))
      .min(1, 'Choose at least one field to write')
      .meta({ label: 'Fields to write', widget: 'field-mapping' }),
    matchBy: z
      .object({
        externalIdPath: z.string().min(1).optional().meta({ label: 'External id field (from Lookup)', picker: 'input-field' }),
        naturalKey: z
          .object({
            target: z.string().min(1, 'Choose the field to match in the target').meta({ label: 'Target field', picker: 'target-field' }),
            sourcePath: z.string().min(1, 'Choose the field of the item to match it with').meta({ label: 'Equals the item field', picker: 'input-field' }),
          })
          .optional()
          .meta({ label: 'Otherwise match on', help: 'Match on a field both records have (e.g. email) when there is no external id' }),
      })
      .default({})
      .meta({ label: 'Match existing records by' }),
    conflict: conflictPolicyConfig.optional(),
  }),
  writesRecords: true,
  effect: true,
});
