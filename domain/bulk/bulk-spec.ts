/**
 * A bulk load of ANY object pair (workflow-safe, no I/O): which object of the source connection is
 * read, which object of the target connection is written, which target field finds an existing
 * record (the natural key), and the field map (target field <- source field). Stored on the job's
 * row (`bulk_jobs.spec`); the worker reads the source through the same paths poll triggers use and
 * writes through the record gateways flows use (upsert with match by natural key and external ids).
 * A job without a spec is one of the built-in pairs of bulk-objects.ts.
 */
import type { BulkSpec } from '../../db/schema';

export type { BulkSpec };

/** The label of a job of this spec (the job's `object` column). */
export function specLabel(spec: BulkSpec): string {
  return spec.sourceObject === spec.targetObject ? spec.sourceObject : `${spec.sourceObject} → ${spec.targetObject}`;
}

/** Problems with a spec, each naming the setting in the analyst's words; empty when it is usable. */
export function specProblems(spec: BulkSpec): string[] {
  const problems: string[] = [];
  if (!spec.sourceObject.trim()) problems.push('sourceObject: choose what to read from the source.');
  if (!spec.targetObject.trim()) problems.push('targetObject: choose what to write in the target.');
  if (spec.fields.length === 0) problems.push('fields: map at least one target field to a source field.');
  const seen = new Set<string>();
  for (const [i, field] of spec.fields.entries()) {
    if (!field.target.trim() || !field.source.trim()) problems.push(`fields[${i}]: choose both a target field and a source field.`);
    if (seen.has(field.target)) problems.push(`fields[${i}]: target field “${field.target}” is mapped twice.`);
    seen.add(field.target);
  }
  if (!spec.matchBy.trim()) problems.push('matchBy: choose the target field that finds an existing record (e.g. email), so a load run twice does not duplicate.');
  else if (!seen.has(spec.matchBy)) problems.push(`matchBy: “${spec.matchBy}” is not one of the mapped target fields.`);
  return problems;
}

/** Target fields of one source record, by the spec's field map (missing source fields are null). */
export function mapRecord(spec: BulkSpec, record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(spec.fields.map((f) => [f.target, record[f.source] ?? null]));
}
