/**
 * What a dry run shows for a step that writes: the request it WOULD send, per item (operation,
 * target, how the record is matched, the fields or body), built from the same code the real effect
 * uses where the effect builds records (upsert). Pure, safe everywhere; the editor's test run
 * attaches these to its result (app/_server/flows/test-run.ts).
 */
import type { DryRunWrite, Item } from '../flows-engine/index';
import { deleteRecordNode } from './delete-record/definition';
import { httpRequestNode } from './http-request/definition';
import type { EffectfulNodeType } from './registry';
import { upsertRecordNode } from './upsert-record/definition';
import { upsertRecordsOf } from './upsert-record/records';

export interface WouldBeRequest {
  /** What the target is asked to do, in words: "Create", "Update", "Update if found, else create", "Delete (flag)", "POST". */
  readonly operation: string;
  /** The connection written through (an id: the caller shows its name), when there is one. */
  readonly connectionId?: string;
  /** The object type, or the URL of an HTTP request. */
  readonly target: string;
  /** How an existing record is found: "record 123 (from Lookup)", "email = ada@example.com"; null when it is always new. */
  readonly match: string | null;
  /** The fields written, or the body sent. */
  readonly fields: unknown;
}

type Describer = (config: unknown, items: readonly Item[]) => WouldBeRequest[];

const upsert: Describer = (raw, items) => {
  const config = upsertRecordNode.config.safeParse(raw);
  if (!config.success) return [];
  return upsertRecordsOf(config.data, items).map((record) => ({
    operation: record.externalId !== undefined ? 'Update' : record.naturalKey ? 'Update if found, else create' : 'Create',
    connectionId: config.data.connectionId,
    target: config.data.objectType,
    match:
      record.externalId !== undefined
        ? `record ${record.externalId} (known id)`
        : record.naturalKey
          ? `${record.naturalKey.field} = ${JSON.stringify(record.naturalKey.value) ?? 'nothing'}`
          : null,
    fields: record.fields,
  }));
};

const remove: Describer = (raw, items) => {
  const config = deleteRecordNode.config.safeParse(raw);
  if (!config.success) return [];
  const path = config.data.externalIdPath;
  return items.map((item) => ({
    operation: `Delete (${config.data.mode})`,
    connectionId: config.data.connectionId,
    target: config.data.objectType,
    match: `record ${String((item.json as Record<string, unknown>)[path] ?? '(none)')}`,
    fields: null,
  }));
};

const http: Describer = (raw, items) => {
  const config = httpRequestNode.config.safeParse(raw);
  if (!config.success) return [];
  return items.map((item) => ({
    operation: config.data.method,
    ...(config.data.connectionId ? { connectionId: config.data.connectionId } : {}),
    target: config.data.url,
    match: null,
    fields: config.data.sendItemAsBody ? item.json : (config.data.body ?? null),
  }));
};

const DESCRIBERS: Partial<Record<EffectfulNodeType, Describer>> = {
  'sync.upsert-record': upsert,
  'sync.delete-record': remove,
  'http.request': http,
};

/** The would-be requests of one recorded dry-run write (none for steps that only read or remember ids). */
export function wouldBeRequests(write: DryRunWrite): WouldBeRequest[] {
  const describe = DESCRIBERS[write.type as EffectfulNodeType];
  if (!describe) return [];
  try {
    return describe(write.config, write.items);
  } catch {
    // A config the real step would refuse: the trace already shows that step's error.
    return [];
  }
}
