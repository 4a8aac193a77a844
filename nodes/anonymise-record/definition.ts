import { z } from 'zod';
import { defineNode } from '../../flows-engine/index';
import { connectionIdField, RECORD_CONNECTION_KINDS } from '../connection-field';

/**
 * GDPR anonymisation: overwrites personal fields in the target system, removes the subject's
 * mapping rows and scrubs Syncline's run logs. Output items carry the scrubbed fields as `null`.
 */
export const anonymiseRecordNode = defineNode({
  type: 'sync.anonymise-record',
  version: 1,
  group: 'sync',
  title: 'Anonymise record',
  description: 'Erase a person\u2019s data (GDPR)',
  help: 'Overwrites the chosen fields in the other system, forgets the id mappings and erases this person\u2019s values (and records naming their ids) from stored run samples, inbox payloads and step logs.',
  ports: { in: ['main'], out: ['main'] },
  config: z.object({
    connectionId: connectionIdField({ label: 'Anonymise in', kinds: RECORD_CONNECTION_KINDS }),
    objectType: z.string().min(1, 'Enter the object type').meta({ label: 'Object type', picker: 'object' }),
    externalIdPath: z.string().min(1).default('id').meta({ label: 'External id field', picker: 'input-field' }),
    subjectKeyPath: z.string().min(1).default('recordKey').meta({ label: 'Subject (record key) field', picker: 'input-field' }),
    fields: z.array(z.string().min(1)).min(1, 'Choose the fields to erase').meta({ label: 'Fields to erase', widget: 'list', picker: 'target-field' }),
  }),
  writesRecords: true,
  effect: true,
});
