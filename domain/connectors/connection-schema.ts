/**
 * What a connection offers the editor's pickers: its objects (tables, declared objects) and the fields
 * of one object, with their types. One dispatcher on the connection's kind, like `connectors.ts`:
 *
 * - declared systems (`connector`): the declaration's objects; static fields merged with discovered
 *   ones (cached per connection, `refresh` reads them again: kit/discover-fields.ts);
 * - PostgreSQL (`postgres`, `demo-helpdesk`): the tables and views of the connection's schema and
 *   their columns (`information_schema`), required = NOT NULL without a default;
 * - MySQL / MariaDB (`mysql`): the tables of the connection's database and their columns (mysql-gateway.ts);
 *   in both databases the stamp column (`stamp-column.ts`) is marked when the connection has an integration
 *   identity, since every write fills it then;
 * - REST APIs (`rest`, `demo-crm`): the API does not list its objects, so the analyst types the path
 *   segment; its fields are read from one record of `GET {base}/{object}?limit=1` (the poll contract).
 *
 * A look-up that fails (database away, API refuses) is not an error of the flow: the answer carries
 * the reason in words and no list, and the editor falls back to free text.
 */
import type { Db } from '../../db/client';
import { TransientError, UserError } from '../../flows-engine/index';
import { explainStatus, HttpFailure } from '../connections/http-client';
import { isConnectorKind, isMysqlKind, isPostgresKind, isRestKind } from '../connections/kinds';
import { explainPostgresError, poolFor } from '../connections/postgres-pool';
import { ConnectionMissingError, resolveConnection, type ResolvedConnection } from '../connections/resolve';
import { sendWithConnection } from './http-connector';
import { declarationOf, type ConnectorSettings } from './kit/connector-settings';
import type { FieldDeclaration } from './kit/define-connector';
import { objectFields } from './kit/discover-fields';
import { listMysqlTables, mysqlTableFields } from './mysql-gateway';
import { stampColumnOf } from './stamp-column';
import { typeOfValue } from './value-type';

/** One field as a picker shows it. `type` is the system's word for it (`string`, `timestamp with time zone`, …). */
export interface SchemaField {
  readonly name: string;
  readonly label?: string;
  readonly type: string;
  readonly required?: boolean;
  readonly readOnly?: boolean;
  /** Filled by Syncline on every write, with the connection's integration identity (the table's stamp column), unless mapped. */
  readonly stamp?: boolean;
}

export interface SchemaObject {
  readonly name: string;
  readonly label: string;
}

export interface ConnectionObjects {
  readonly connectionName: string;
  /** Empty when the system cannot list them (or the look-up failed: see `problem`). */
  readonly objects: readonly SchemaObject[];
  /** What to type when there is no list. */
  readonly hint?: string;
  /** Why the list could not be read, in words. */
  readonly problem?: string;
}

export interface ObjectFields {
  readonly objectLabel: string;
  /** Empty when unknown (see `hint` / `problem`). */
  readonly fields: readonly SchemaField[];
  readonly hint?: string;
  readonly problem?: string;
}

const REST_OBJECT_HINT = 'This API does not list its objects: type the path segment after the base URL, e.g. contacts.';

/** The connection, or why there is none (a flow may still name a retired connection: that is a message, not an error). */
async function connectionOf(db: Db, query: { workspaceId: string; connectionId: string }): Promise<ResolvedConnection | string> {
  try {
    return await resolveConnection(db, query);
  } catch (error) {
    if (error instanceof ConnectionMissingError) return error.message;
    throw error;
  }
}

/** A failed look-up in words; anything else (a bug) is thrown. */
function problemOf(error: unknown, connection: ResolvedConnection): string {
  if (error instanceof UserError || error instanceof TransientError || error instanceof HttpFailure) return error.message;
  if (isPostgresKind(connection.kind) && error && typeof error === 'object' && ('code' in error || 'errno' in error)) return explainPostgresError(error);
  throw error;
}

/** The objects of a connection, in the workspace the caller names. */
export async function listConnectionObjects(db: Db, query: { workspaceId: string; connectionId: string }): Promise<ConnectionObjects> {
  const connection = await connectionOf(db, query);
  if (typeof connection === 'string') return { connectionName: '', objects: [], problem: connection };
  const base = { connectionName: connection.name };
  if (isConnectorKind(connection.kind)) {
    const declaration = declarationOf(connection.settings as ConnectorSettings);
    return { ...base, objects: Object.entries(declaration.objects).map(([name, o]) => ({ name, label: o.label })) };
  }
  if (isPostgresKind(connection.kind)) {
    try {
      const sql = poolFor(connection);
      const rows = await sql<{ name: string; type: string }[]>`
        select table_name as name, table_type as type from information_schema.tables
        where table_schema = current_schema() order by table_name`;
      return { ...base, objects: rows.map((r) => ({ name: r.name, label: r.type === 'VIEW' ? `${r.name} (view)` : r.name })) };
    } catch (error) {
      return { ...base, objects: [], problem: `The tables of “${connection.name}” could not be read: ${problemOf(error, connection)}` };
    }
  }
  if (isMysqlKind(connection.kind)) {
    try {
      return { ...base, objects: await listMysqlTables(connection) };
    } catch (error) {
      return { ...base, objects: [], problem: `The tables of “${connection.name}” could not be read: ${problemOf(error, connection)}` };
    }
  }
  if (isRestKind(connection.kind)) return { ...base, objects: [], hint: REST_OBJECT_HINT };
  return { ...base, objects: [], hint: `“${connection.name}” holds no records.` };
}

async function restFields(connection: ResolvedConnection, objectType: string): Promise<ObjectFields> {
  const base = { objectLabel: objectType };
  if (!/^[A-Za-z0-9_.-]+$/.test(objectType)) return { ...base, fields: [], problem: `“${objectType}” cannot be used in a URL (letters, digits, _ . - only).` };
  const response = await sendWithConnection(connection, { method: 'GET', url: `${objectType}?limit=1` });
  if (response.status < 200 || response.status >= 300) return { ...base, fields: [], problem: `GET ${objectType}: ${explainStatus(response.status)}` };
  const body = response.body as { data?: unknown } | unknown[] | null;
  const records = Array.isArray(body) ? body : body?.data;
  const first = Array.isArray(records) ? (records[0] as Record<string, unknown> | undefined) : undefined;
  if (!first || typeof first !== 'object') {
    return { ...base, fields: [], hint: `“${connection.name}” returned no ${objectType} record to learn the fields from: type the field names.` };
  }
  return { ...base, fields: Object.entries(first).map(([name, value]) => ({ name, type: typeOfValue(value) })), hint: `Fields as found on one ${objectType} record.` };
}

async function postgresFields(connection: ResolvedConnection, objectType: string): Promise<ObjectFields> {
  const sql = poolFor(connection);
  const rows = await sql<{ name: string; type: string; nullable: string; hasDefault: boolean; generated: string }[]>`
    select column_name as name, data_type as type, is_nullable as nullable, column_default is not null as "hasDefault", is_generated as generated
    from information_schema.columns
    where table_schema = current_schema() and table_name = ${objectType}
    order by ordinal_position`;
  if (rows.length === 0) return { objectLabel: objectType, fields: [], problem: `“${connection.name}” has no table “${objectType}”.` };
  return {
    objectLabel: objectType,
    fields: rows.map((r) => ({
      name: r.name,
      type: r.type,
      ...(r.nullable === 'NO' && !r.hasDefault && r.generated !== 'ALWAYS' ? { required: true } : {}),
      ...(r.generated === 'ALWAYS' ? { readOnly: true } : {}),
    })),
  };
}

/** A declared field (connector kit, MySQL columns) as a picker shows it. */
function toSchemaField(f: FieldDeclaration): SchemaField {
  return { name: f.name, type: f.type, ...(f.label ? { label: f.label } : {}), ...(f.required ? { required: true } : {}), ...(f.readOnly ? { readOnly: true } : {}) };
}

/** Marks a table's stamp column, which the gateways fill on every write when the connection has an integration identity. */
function markStamp(connection: ResolvedConnection, answer: ObjectFields): ObjectFields {
  const stampColumn = stampColumnOf(new Set(answer.fields.map((f) => f.name)));
  if (!stampColumn || !connection.integrationIdentity.trim()) return answer;
  return { ...answer, fields: answer.fields.map((f) => (f.name === stampColumn ? { ...f, stamp: true } : f)) };
}

/** The fields of one object of a connection; `refresh` reads discovered fields again. */
export async function listObjectFields(
  db: Db,
  query: { workspaceId: string; connectionId: string; objectType: string; refresh?: boolean },
): Promise<ObjectFields> {
  const connection = await connectionOf(db, query);
  const { objectType } = query;
  if (typeof connection === 'string') return { objectLabel: objectType, fields: [], problem: connection };
  try {
    if (isConnectorKind(connection.kind)) {
      const declaration = declarationOf(connection.settings as ConnectorSettings);
      const object = declaration.objects[objectType];
      if (!object) return { objectLabel: objectType, fields: [], problem: `${declaration.label} has no object “${objectType}”.` };
      const fields = await objectFields(connection, objectType, { refresh: query.refresh ?? false });
      return { objectLabel: object.label, fields: fields.map(toSchemaField) };
    }
    if (isPostgresKind(connection.kind)) return markStamp(connection, await postgresFields(connection, objectType));
    if (isMysqlKind(connection.kind)) {
      const fields = await mysqlTableFields(connection, objectType);
      return markStamp(connection, { objectLabel: objectType, fields: fields.map(toSchemaField) });
    }
    if (isRestKind(connection.kind)) return await restFields(connection, objectType);
  } catch (error) {
    return { objectLabel: objectType, fields: [], problem: `The fields of “${objectType}” could not be read: ${problemOf(error, connection)}` };
  }
  return { objectLabel: objectType, fields: [], hint: `“${connection.name}” holds no records.` };
}
