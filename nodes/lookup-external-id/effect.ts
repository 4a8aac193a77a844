import { parsePath, setAt, UserError, type Item } from '../../flows-engine/index';
import { defineEffect } from '../define-effect';
import { readIds } from '../item-values';
import { lookupExternalIdNode } from './definition';

/** One batched lookup per node run. */
export const lookupExternalIdEffect = defineEffect(lookupExternalIdNode, async ({ config, items, ctx }, deps) => {
  const ids = readIds(items, config.externalIdPath, 'externalIdPath');
  const target = parsePath(config.recordKeyField);
  if (!target.ok) throw new UserError(target.error, { field: 'recordKeyField' });
  const unique = [...new Set(ids.filter((id): id is string => id !== undefined))];
  const found = unique.length === 0
    ? new Map<string, { recordKey: string }>()
    : await deps.externalIds.lookupMany({ workspaceId: ctx.workspaceId, objectType: config.objectType, connectionId: config.connectionId, externalIds: unique });
  const foundItems: Item[] = [];
  const notFound: Item[] = [];
  items.forEach((item, i) => {
    const id = ids[i];
    const hit = id === undefined ? undefined : found.get(id);
    if (!hit) {
      notFound.push(item);
      return;
    }
    const json = setAt(item.json, target.value, hit.recordKey);
    foundItems.push({ json: json.ok ? json.value : item.json });
  });
  return { found: foundItems, notFound };
});
