/**
 * What an upsert sends, built from its config and items: the mapped fields, the external id when a
 * Lookup found one, and the natural key to match on otherwise. Pure: the effect writes these, and a
 * dry run shows them as the would-be request (nodes/dry-run-requests.ts).
 */
import type { z } from 'zod';
import { getAt, parsePath, UserError, type Item } from '../../flows-engine/index';
import type { UpsertRecordInput } from '../effect-deps';
import { readIds } from '../item-values';
import type { upsertRecordNode } from './definition';

export type UpsertConfig = z.output<typeof upsertRecordNode.config>;

export function upsertRecordsOf(config: UpsertConfig, items: readonly Item[]): UpsertRecordInput[] {
  const fieldPaths = config.fields.map((f, i) => {
    const p = parsePath(f.sourcePath);
    if (!p.ok) throw new UserError(p.error, { field: `fields[${i}].sourcePath` });
    return { target: f.target, path: p.value };
  });
  const externalIds = config.matchBy.externalIdPath ? readIds(items, config.matchBy.externalIdPath, 'matchBy.externalIdPath') : [];
  const natural = config.matchBy.naturalKey;
  const naturalPath = natural ? parsePath(natural.sourcePath) : undefined;
  if (naturalPath && !naturalPath.ok) throw new UserError(naturalPath.error, { field: 'matchBy.naturalKey.sourcePath' });
  return items.map((item, i) => {
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
}
