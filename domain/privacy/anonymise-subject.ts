/**
 * SERVER ONLY. The "Anonymise" action (GDPR erasure of one person), given an email or a record id:
 *
 * 1. locate the person's records: by email in every synced object (each (connection, object type)
 *    of the workspace's mappings), by id directly, then through the mappings to the same person's
 *    records in the other systems;
 * 2. read them (their name, email, phone are what step 5 looks for) and anonymise them in each
 *    system through its connection (the demo CRM's API, the helpdesk database);
 * 3. forget every mapping row naming any of their ids;
 * 4. erase them from Syncline's stored run samples, inbox payloads and step logs;
 * 5. audit the request, with counts only: the audit entry never holds the personal data.
 *
 * The systems go first: if one is unreachable the request fails before Syncline forgets how to
 * find the person, so trying again finishes the job.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { auditLog, connections, externalIds } from '../../db/schema';
import { TransientError, UserError } from '../../flows-engine/index';
import { createConnectors } from '../connectors/connectors';
import { createExternalIdStore } from '../connectors/external-id-store';
import { isConnectorKind, isMysqlKind, isPostgresKind, isRestKind } from '../connections/kinds';
import { InvalidInputError } from '../platform/errors';
import { personalFieldsOf, personalValuesOf } from './personal-data';
import { scrubStoredSamples } from './scrub-samples';

export interface AnonymiseOutcome {
  requestId: string;
  /** Records anonymised, per system and object type. */
  records: { connectionName: string; objectType: string; count: number }[];
  mappingsForgotten: number;
  samplesScrubbed: number;
}

interface SyncedObject {
  connectionId: string;
  connectionName: string;
  objectType: string;
}

const objectKey = (o: { connectionId: string; objectType: string }) => `${o.connectionId}\u0000${o.objectType}`;
/** Mapping hops followed from the first id (CRM contact -> helpdesk customer -> …). */
const MAX_HOPS = 4;

async function syncedObjects(db: Db, workspaceId: string): Promise<SyncedObject[]> {
  const rows = await db
    .selectDistinct({ connectionId: externalIds.connectionId, objectType: externalIds.objectType, connectionName: connections.name, kind: connections.kind })
    .from(externalIds)
    .innerJoin(connections, and(eq(sql`${connections.id}::text`, externalIds.connectionId), eq(connections.workspaceId, workspaceId)))
    .where(eq(externalIds.workspaceId, workspaceId));
  return rows.filter((r) => isRestKind(r.kind) || isPostgresKind(r.kind) || isMysqlKind(r.kind) || isConnectorKind(r.kind));
}

function explain(object: SyncedObject, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  const retry = error instanceof TransientError ? ' It looks temporary: try again.' : '';
  throw new InvalidInputError(`${object.connectionName} (${object.objectType}): ${message}. Nothing was erased from Syncline's records yet.${retry}`, 'subject');
}

export async function anonymiseSubject(db: Db, actor: { workspaceId: string; userId: string }, input: { subject: string }): Promise<AnonymiseOutcome> {
  const subject = input.subject.trim();
  if (!subject) throw new InvalidInputError('subject: enter an email address or a record id.', 'subject');
  const isEmail = subject.includes('@');
  const { records, finder } = createConnectors(db, { workspaceId: actor.workspaceId });
  const objects = await syncedObjects(db, actor.workspaceId);
  const byKey = new Map(objects.map((o) => [objectKey(o), o]));
  const located = new Map<string, Set<string>>();
  const locate = (o: { connectionId: string; objectType: string }, id: string) => {
    if (!byKey.has(objectKey(o))) return;
    const set = located.get(objectKey(o)) ?? new Set<string>();
    set.add(id);
    located.set(objectKey(o), set);
  };
  const ids = new Set<string>([subject]);

  for (const object of objects) {
    try {
      if (isEmail) {
        for (const id of await finder.findIds({ connectionId: object.connectionId, objectType: object.objectType, field: 'email', value: subject })) {
          locate(object, id);
          ids.add(id);
        }
      } else if ((await records.readMany({ connectionId: object.connectionId, objectType: object.objectType, externalIds: [subject] })).size > 0) {
        locate(object, subject);
      }
    } catch (error) {
      // An object without an email column, or ids of another shape, simply holds no such record.
      if (error instanceof UserError) continue;
      explain(object, error);
    }
  }

  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const list = sql.param([...ids]);
    const rows = await db
      .select({ connectionId: externalIds.connectionId, objectType: externalIds.objectType, externalId: externalIds.externalId, recordKey: externalIds.recordKey })
      .from(externalIds)
      .where(and(eq(externalIds.workspaceId, actor.workspaceId), sql`(${externalIds.externalId} = any(${list}::text[]) or ${externalIds.recordKey} = any(${list}::text[]))`));
    const before = ids.size;
    for (const row of rows) {
      locate(row, row.externalId);
      ids.add(row.externalId);
      ids.add(row.recordKey);
    }
    if (ids.size === before) break;
  }

  const values = new Set<string>(isEmail ? [subject] : []);
  const requestId = randomUUID();
  const counts: AnonymiseOutcome['records'] = [];
  for (const [key, idSet] of located) {
    const object = byKey.get(key)!;
    try {
      const current = await records.readMany({ connectionId: object.connectionId, objectType: object.objectType, externalIds: [...idSet] });
      const fields = new Set<string>();
      for (const record of current.values()) {
        personalValuesOf(record).forEach((v) => values.add(v));
        personalFieldsOf(record).forEach((f) => fields.add(f));
      }
      if (current.size === 0 || fields.size === 0) continue;
      await records.anonymiseMany({ connectionId: object.connectionId, objectType: object.objectType, externalIds: [...current.keys()], fields: [...fields], idempotencyKey: `privacy:${requestId}:${counts.length}` });
      counts.push({ connectionName: object.connectionName, objectType: object.objectType, count: current.size });
    } catch (error) {
      explain(object, error);
    }
  }

  counts.sort((a, b) => a.connectionName.localeCompare(b.connectionName) || a.objectType.localeCompare(b.objectType));
  const mappingsForgotten = await createExternalIdStore(db).forgetIds({ workspaceId: actor.workspaceId, ids: [...ids] });
  const samplesScrubbed = await scrubStoredSamples(db, actor.workspaceId, { values: [...values], keys: [...ids] });
  await db.insert(auditLog).values({
    workspaceId: actor.workspaceId,
    actorUserId: actor.userId,
    action: 'privacy.subject-anonymised',
    targetType: 'privacy-request',
    targetId: requestId,
    // Counts only: the person's email, name or ids would make the audit log a copy of what was erased.
    details: { by: isEmail ? 'email' : 'record id', records: counts, mappingsForgotten, samplesScrubbed },
  });
  return { requestId, records: counts, mappingsForgotten, samplesScrubbed };
}
