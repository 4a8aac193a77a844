import { getAt, parsePath, UserError } from '../../flows-engine/index';
import { defineEffect } from '../define-effect';
import type { UpsertRecordInput } from '../effect-deps';
import { readIds } from '../item-values';
import { upsertRecordNode } from './definition';

/** One batched upsert per node run. */
export const upsertRecordEffect = defineEffect(upsertRecordNode, async ({ config, items, ctx }, deps) => {
  const fieldPaths = config.fields.map((f, i) => {
    const p = parsePath(f.sourcePath);
    if (!p.ok) throw new UserError(p.error, { field: `fields[${i}].sourcePath` });
    return { target: f.target, path: p.value };
  });
  const externalIds = config.matchBy.externalIdPath ? readIds(items, config.matchBy.externalIdPath, 'matchBy.externalIdPath') : [];
  const natural = config.matchBy.naturalKey;
  const naturalPath = natural ? parsePath(natural.sourcePath) : undefined;
  if (naturalPath && !naturalPath.ok) throw new UserError(naturalPath.error, { field: 'matchBy.naturalKey.sourcePath' });
  const records: UpsertRecordInput[] = items.map((item, i) => {
    const fields: Record<string, unknown> = {};
    for (const f of fieldPaths) {
      const v = getAt(item.json, f.path);
      if (v !== undefined) Object.defineProperty(fields, f.target, { value: v, enumerable: true, writable: true, configurable: true });
    }
    const externalId = externalIds[i];
    return {
      fields,
      ...(externalId !== undefined ? { externalId } : {}),
      ...(natural && naturalPath?.ok ? { naturalKey: { field: natural.target, value: getAt(item.json, naturalPath.value) } } : {}),
    };
  });
  const results = await deps.records.upsertMany({
    connectionId: config.connectionId,
    objectType: config.objectType,
    records,
    idempotencyKey: ctx.idempotencyKey,
  });
  if (results.length !== items.length) {
    throw new UserError(`The target system answered for ${results.length} records instead of ${items.length}`);
  }
  return { main: items.map((item, i) => ({ json: { ...item.json, upserted: results[i] } })) };
});
