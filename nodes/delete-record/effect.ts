import { defineEffect } from '../define-effect';
import { requireIds } from '../item-values';
import { deleteRecordNode } from './definition';

/** One batched delete per node run; items pass through. */
export const deleteRecordEffect = defineEffect(deleteRecordNode, async ({ config, items, ctx }, deps) => {
  const externalIds = requireIds(items, config.externalIdPath, 'externalIdPath');
  await deps.records.deleteMany({
    connectionId: config.connectionId,
    objectType: config.objectType,
    externalIds,
    mode: config.mode,
    idempotencyKey: ctx.idempotencyKey,
  });
  return { main: [...items] };
});
