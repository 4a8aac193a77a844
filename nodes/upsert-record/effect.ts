import { getAt, parsePath, UserError } from '../../flows-engine/index';
import { defineEffect } from '../define-effect';
import { decideConflict, type ConflictDecision } from './conflict-policy';
import { upsertRecordNode } from './definition';
import { upsertRecordsOf } from './records';

/** One batched upsert per node run (plus one batched read of the targets when a conflict policy is set). */
export const upsertRecordEffect = defineEffect(upsertRecordNode, async ({ config, items, ctx }, deps) => {
  const records = upsertRecordsOf(config, items);
  const decisions: (ConflictDecision | null)[] = items.map(() => null);
  /** Records the target already holds with every value: nothing new is written (the run's outcome says "unchanged"). */
  const unchanged = items.map(() => false);
  const policy = config.conflict;
  if (policy && policy.fields.length > 0) {
    const sourcePath = parsePath(policy.sourceModifiedPath);
    if (!sourcePath.ok) throw new UserError(sourcePath.error, { field: 'conflict.sourceModifiedPath' });
    const known = [...new Set(records.map((r) => r.externalId).filter((id): id is string => id !== undefined))];
    // Only records that exist on the target can conflict; new ones are simply created.
    const targets = known.length > 0 ? await deps.records.readMany({ connectionId: config.connectionId, objectType: config.objectType, externalIds: known }) : new Map();
    records.forEach((record, i) => {
      const target = record.externalId === undefined ? undefined : targets.get(record.externalId);
      if (!target) return;
      const decision = decideConflict(policy, { fields: record.fields, sourceModifiedAt: getAt(items[i]!.json, sourcePath.value), target });
      decisions[i] = decision;
      // Values the target already has are not written: a write of nothing new would stamp the
      // record as the integration's and hide a person's pending change from a poller's loop guard.
      const kept = Object.fromEntries(
        Object.entries(record.fields).filter(([field, value]) => target[field] !== value && !(decision?.winner === 'target' && decision.fields.includes(field))),
      );
      records[i] = { ...record, fields: kept };
      unchanged[i] = Object.keys(kept).length === 0;
    });
  }
  const results = await deps.records.upsertMany({
    connectionId: config.connectionId,
    objectType: config.objectType,
    records,
    idempotencyKey: ctx.idempotencyKey,
  });
  if (results.length !== items.length) {
    throw new UserError(`The target system answered for ${results.length} records instead of ${items.length}`);
  }
  return {
    main: items.map((item, i) => {
      const conflict = decisions[i];
      const upserted = unchanged[i] || results[i]!.unchanged ? { ...results[i], unchanged: true } : results[i];
      return { json: { ...item.json, upserted, ...(conflict ? { conflict } : {}) } };
    }),
  };
});
