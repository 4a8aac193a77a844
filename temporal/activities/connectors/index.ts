/**
 * The worker's connectors: EffectDeps.records dispatches on the connection's kind (REST API and
 * demo CRM over HTTP, PostgreSQL and demo helpdesk over SQL); EffectDeps.http sends through a
 * connection's auth. Secrets are resolved here, inside the activity, by connection id.
 */
import type { Db } from '../../../db/client';
import { UserError } from '../../../flows-engine/index';
import type { HttpClient, RecordGateway } from '../../../nodes/effect-deps';
import { isPostgresKind, isRestKind } from '../../../app/_server/connections/kinds';
import { createHttpConnector } from './http-connector';
import { createPostgresGateway } from './postgres-gateway';
import { createRestGateway } from './rest-gateway';
import { connectionForEffect } from './scope';

export function createConnectors(db: Db): { records: RecordGateway; http: HttpClient } {
  const resolve = (connectionId: string) => connectionForEffect(db, connectionId);
  const rest = createRestGateway(resolve);
  const postgres = createPostgresGateway(resolve);
  const pick = async (connectionId: string): Promise<RecordGateway> => {
    const connection = await resolve(connectionId);
    if (isRestKind(connection.kind)) return rest;
    if (isPostgresKind(connection.kind)) return postgres;
    throw new UserError(`Connection “${connection.name}” is an inbound webhook source: records cannot be written to it.`, { field: 'connectionId' });
  };
  return {
    records: {
      upsertMany: async (request) => (await pick(request.connectionId)).upsertMany(request),
      deleteMany: async (request) => (await pick(request.connectionId)).deleteMany(request),
      anonymiseMany: async (request) => (await pick(request.connectionId)).anonymiseMany(request),
    },
    http: createHttpConnector(db),
  };
}
