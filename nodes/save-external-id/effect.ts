import { defineEffect } from '../define-effect';
import { requireIds } from '../item-values';
import { saveExternalIdNode } from './definition';

/** One batched, idempotent save per node run; items pass through. */
export const saveExternalIdEffect = defineEffect(saveExternalIdNode, async ({ config, items, ctx }, deps) => {
  const externalIds = requireIds(items, config.externalIdPath, 'externalIdPath');
  const recordKeys = requireIds(items, config.recordKeyPath, 'recordKeyPath');
  await deps.externalIds.saveMany(
    externalIds.map((externalId, i) => ({
      workspaceId: ctx.workspaceId,
      objectType: config.objectType,
      connectionId: config.connectionId,
      externalId,
      recordKey: recordKeys[i] as string,
    })),
  );
  return { main: [...items] };
});
