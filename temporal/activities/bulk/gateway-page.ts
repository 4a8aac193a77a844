/**
 * Writes one source page of a load of ANY object pair (a job with a spec) through the record
 * gateways flows use: each record is sent with the target id its external-id mapping names, else
 * with its natural key (the spec's `matchBy`), so the gateway updates the record it finds before
 * creating one. That makes a page written twice (a crash before its checkpoint) land on the same
 * target records: idempotent without choosing ids, which SaaS systems assign themselves.
 * Records without a mapping and without a natural-key value are skipped (a retry could duplicate them).
 */
import type { Db } from '../../../db/client';
import { createExternalIdStore } from '../../../domain/connectors/external-id-store';
import { mapRecord, type BulkSpec } from '../../../domain/bulk/bulk-spec';
import type { SourcePage } from '../../../domain/triggers/poll-sources';
import type { RecordGateway, UpsertRecordInput } from '../../../nodes/effect-deps';
import type { PageOutcome } from './target';

export interface GatewayPageJob {
  readonly id: string;
  readonly workspaceId: string;
  readonly sourceConnectionId: string;
  readonly targetConnectionId: string;
}

const present = (value: unknown) => value !== null && value !== undefined && value !== '';

export async function writePageThroughGateway(db: Db, records: RecordGateway, job: GatewayPageJob, spec: BulkSpec, page: SourcePage, position: string | null): Promise<PageOutcome> {
  const outcome: PageOutcome = { processed: page.records.length, created: 0, updated: 0, matched: 0, skipped: 0, createdRecords: [], mappings: [] };
  if (page.records.length === 0) return outcome;
  const mapped = await createExternalIdStore(db).lookupMany({ workspaceId: job.workspaceId, objectType: spec.sourceObject, connectionId: job.sourceConnectionId, externalIds: page.records.map((r) => r.id) });
  const inputs: UpsertRecordInput[] = [];
  const sent: { sourceId: string; mapped: boolean }[] = [];
  const targets = new Set<string>();
  const keys = new Set<string>();
  for (const record of page.records) {
    const fields = mapRecord(spec, record.record);
    const externalId = mapped.get(record.id)?.recordKey;
    const key = fields[spec.matchBy];
    // One write per target record and per natural key in a page: a later duplicate is skipped.
    const keyText = present(key) ? String(key).toLowerCase() : null;
    if ((externalId && targets.has(externalId)) || (!externalId && (keyText === null || keys.has(keyText)))) {
      outcome.skipped++;
      continue;
    }
    if (externalId) targets.add(externalId);
    if (keyText !== null) keys.add(keyText);
    inputs.push(externalId ? { externalId, fields } : { naturalKey: { field: spec.matchBy, value: key }, fields });
    sent.push({ sourceId: record.id, mapped: Boolean(externalId) });
  }
  if (inputs.length === 0) return outcome;
  const results = await records.upsertMany({ connectionId: job.targetConnectionId, objectType: spec.targetObject, records: inputs, idempotencyKey: `bulk:${job.id}:${position ?? 'start'}` });
  results.forEach((result, i) => {
    const { sourceId, mapped: wasMapped } = sent[i]!;
    const kind = result.created ? 'created' : wasMapped ? 'updated' : 'matched';
    outcome[kind]++;
    if (result.created) outcome.createdRecords.push({ targetId: result.externalId, sourceId });
    outcome.mappings.push({ sourceId, targetId: result.externalId });
  });
  return outcome;
}
