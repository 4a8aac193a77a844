import { parsePath, setAt, UserError } from '../../flows-engine/index';
import { defineEffect } from '../define-effect';
import { readIds, requireIds } from '../item-values';
import { anonymiseRecordNode } from './definition';

/** Anonymises in the target, forgets mappings, scrubs run logs; all batched. */
export const anonymiseRecordEffect = defineEffect(anonymiseRecordNode, async ({ config, items, ctx }, deps) => {
  const externalIds = requireIds(items, config.externalIdPath, 'externalIdPath');
  const subjectKeys = readIds(items, config.subjectKeyPath, 'subjectKeyPath').filter((k): k is string => k !== undefined);
  const scrubPaths = config.fields.map((f, i) => {
    const p = parsePath(f);
    if (!p.ok) throw new UserError(p.error, { field: `fields[${i}]` });
    return p.value;
  });
  await deps.records.anonymiseMany({
    connectionId: config.connectionId,
    objectType: config.objectType,
    externalIds,
    fields: config.fields,
    idempotencyKey: ctx.idempotencyKey,
  });
  if (subjectKeys.length > 0) {
    await deps.externalIds.forgetRecordKeys({ workspaceId: ctx.workspaceId, recordKeys: subjectKeys });
    await deps.privacy.scrubSubjects({ workspaceId: ctx.workspaceId, subjectKeys });
  }
  return {
    main: items.map((item) => {
      let json = item.json;
      for (const p of scrubPaths) {
        const r = setAt(json, p, null);
        if (r.ok) json = r.value;
      }
      return { json };
    }),
  };
});
