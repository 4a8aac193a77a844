/**
 * The worker's connectors: EffectDeps.records dispatches on the connection's kind (REST API and
 * demo CRM over HTTP, PostgreSQL and demo helpdesk over SQL, MySQL / MariaDB over SQL, declared systems such as HubSpot through
 * the connector kit's one runtime); EffectDeps.http sends through a
 * connection's auth. Secrets are resolved here, inside the activity, by connection id, in the workspace
 * the connectors were created for (always explicit: see scope.ts).
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { connections } from '../../db/schema';
import { UserError } from '../../flows-engine/index';
import type { HttpClient, RecordGateway } from '../../nodes/effect-deps';
import { isConnectorKind, isMysqlKind, isPostgresKind, isRestKind } from '../connections/kinds';
import { createDeclaredGateway, declaredObject, findDeclaredIds } from './kit/runtime';
import { createHttpConnector } from './http-connector';
import { createMysqlGateway, findMysqlIds } from './mysql-gateway';
import { createPostgresGateway, findPostgresIds } from './postgres-gateway';
import { createRestGateway, findRestIds } from './rest-gateway';
import { connectionForEffect } from './scope';

/** Finds records by a field's value (GDPR requests: "every record with this email"). */
export interface RecordFinder {
  findIds(request: { connectionId: string; objectType: string; field: string; value: string }): Promise<string[]>;
}

export function createConnectors(db: Db, scope: { workspaceId: string }): { records: RecordGateway; http: HttpClient; finder: RecordFinder } {
  const resolve = (connectionId: string) => connectionForEffect(db, { workspaceId: scope.workspaceId, connectionId });
  const rest = createRestGateway(resolve);
  const identityOf = async (connectionId: string) => {
    const { id } = await resolve(connectionId); // scoped to the caller's workspace
    const [row] = await db.select({ identity: connections.integrationIdentity }).from(connections).where(eq(connections.id, id));
    return row?.identity || null;
  };
  const postgres = createPostgresGateway(resolve, identityOf);
  const mysql = createMysqlGateway(resolve, identityOf);
  const declared = createDeclaredGateway(resolve);
  const pick = async (connectionId: string): Promise<RecordGateway> => {
    const connection = await resolve(connectionId);
    if (isRestKind(connection.kind)) return rest;
    if (isPostgresKind(connection.kind)) return postgres;
    if (isMysqlKind(connection.kind)) return mysql;
    if (isConnectorKind(connection.kind)) return declared;
    throw new UserError(`Connection “${connection.name}” is an inbound webhook source: records cannot be written to it.`, { field: 'connectionId' });
  };
  return {
    records: {
      upsertMany: async (request) => (await pick(request.connectionId)).upsertMany(request),
      deleteMany: async (request) => (await pick(request.connectionId)).deleteMany(request),
      readMany: async (request) => (await pick(request.connectionId)).readMany(request),
      anonymiseMany: async (request) => (await pick(request.connectionId)).anonymiseMany(request),
    },
    http: createHttpConnector(db, scope),
    finder: {
      async findIds({ connectionId, objectType, field, value }) {
        const connection = await resolve(connectionId);
        if (isRestKind(connection.kind)) return findRestIds(connection, objectType, field, value);
        if (isPostgresKind(connection.kind)) return findPostgresIds(connection, objectType, field, value);
        if (isMysqlKind(connection.kind)) return findMysqlIds(connection, objectType, field, value);
        if (isConnectorKind(connection.kind)) return findDeclaredIds(declaredObject(connection, objectType), field, value);
        return [];
      },
    },
  };
}
