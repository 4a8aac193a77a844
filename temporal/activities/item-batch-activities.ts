import type { Db } from '../../db/client';
import { loadItemBatch, type Ports, type TriggerBatch } from '../../domain/runs/item-batches';

/**
 * The workflow's side of item data by reference: it resolves a reference when it needs the items
 * itself (pure steps run in the workflow). Effect activities resolve their inputs on their own.
 */
export function createItemBatchActivities(db: Db) {
  return {
    async loadTriggerBatch(ref: { workspaceId: string; batchId: string }): Promise<TriggerBatch> {
      return loadItemBatch<TriggerBatch>(db, { workspaceId: ref.workspaceId, id: ref.batchId });
    },
    async loadOutputBatch(ref: { workspaceId: string; batchId: string }): Promise<Ports> {
      return loadItemBatch<Ports>(db, { workspaceId: ref.workspaceId, id: ref.batchId });
    },
  };
}
