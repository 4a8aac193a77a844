import { defineEffect } from '../define-effect';
import { requireIds } from '../item-values';
import { deleteRecordNode } from './definition';

/** One batched delete per node run (and one batched forget of mappings when asked); items pass through. */
export const deleteRecordEffect = defineEffect(deleteRecordNode, async ({ config, items, ctx }, deps) => {
  const externalIds = requireIds(items, config.externalIdPath, 'externalIdPath');
  await deps.records.deleteMany({
    connectionId: config.connectionId,
    objectType: config.objectType,
    externalIds,
    mode: config.mode,
    idempotencyKey: ctx.idempotencyKey,
  });
  if (config.forgetMappings) await deps.externalIds.forgetIds({ workspaceId: ctx.workspaceId, ids: externalIds });
  return { main: [...items] };
});
