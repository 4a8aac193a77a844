import { z } from 'zod';
import { defineNode } from '../../flows-engine/index';
import { connectionIdField, RECORD_CONNECTION_KINDS } from '../connection-field';

/**
 * Starts a flow with the records changed since the last poll (a modified-at cursor with a lookback
 * overlap). Polling itself is done by the worker; each page of changes becomes one run whose items
 * this node passes on.
 *
 * Hard-delete detection (off by default): a source that deletes rows for real never reports them as
 * changed. With it on, each check ends with a full key scan of the source (paged) compared with the
 * register of records, i.e. the external-ID mappings saved for this connection and object type;
 * every mapped id the source no longer has arrives once, as `{ id, _deleted: true, _recordKey }`
 * (`_recordKey`: the record key its mapping held), and its mapping is marked deleted.
 */
export const pollTriggerNode = defineNode({
  type: 'core.poll-trigger',
  version: 1,
  group: 'trigger',
  title: 'Poll for changes',
  description: 'Start the flow with records changed in another system',
  help: 'Asks the system for records modified since the last check. The lookback re-reads a short overlap so late writes are not missed; repeats are removed by id.',
  ports: { in: [], out: ['main'] },
  config: z.object({
    connectionId: connectionIdField({ label: 'System', kinds: RECORD_CONNECTION_KINDS }),
    objectType: z.string().min(1, 'Choose what to poll').meta({ label: 'Object type', placeholder: 'contact', picker: 'object' }),
    modifiedField: z.string().min(1).default('modifiedAt').meta({ label: 'Modified-at field', picker: 'target-field' }),
    idField: z.string().min(1).default('id').meta({ label: 'Id field', picker: 'target-field' }),
    lookbackMs: z.number().int().min(0).max(86_400_000).default(60_000).meta({ label: 'Lookback (ms)' }),
    pageSize: z.number().int().min(1).max(10_000).default(100).meta({ label: 'Page size' }),
    detectHardDeletes: z
      .boolean()
      .default(false)
      .meta({
        label: 'Detect deleted records',
        help: 'After each check, compares the ids the system still has (a full key scan) with the ids this workspace has mappings for. Each missing one arrives once with _deleted: true and _recordKey (the id it maps to), and its mapping is marked deleted. Costs one scan of all ids per check.',
      }),
    intervalSeconds: z.number().int().min(5).max(86_400).default(60).meta({ label: 'Check every (seconds)' }),
  }),
  effect: false,
  run: ({ items }) => ({ out: { main: [...items] } }),
});
