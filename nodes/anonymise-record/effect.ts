import { getAt, parsePath, setAt, UserError } from '../../flows-engine/index';
import { defineEffect } from '../define-effect';
import { readIds, requireIds } from '../item-values';
import { anonymiseRecordNode } from './definition';

/**
 * Anonymises in the target, forgets mappings, scrubs run logs; all batched. The values the items
 * carry in the erased fields (the person's name, email…) are what the scrub looks for in stored
 * run samples, besides the subject keys.
 */
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
  const values = items.flatMap((item) =>
    scrubPaths.map((p) => getAt(item.json, p)).filter((v): v is string | number => (typeof v === 'string' && v.trim() !== '') || typeof v === 'number').map(String),
  );
  const ids = [...new Set([...subjectKeys, ...externalIds])];
  await deps.externalIds.forgetIds({ workspaceId: ctx.workspaceId, ids });
  await deps.privacy.scrubSubjects({ workspaceId: ctx.workspaceId, subjectKeys: ids, values: [...new Set(values)] });
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
