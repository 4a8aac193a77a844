/**
 * Endpoints for bulk clients (Syncline's initial load): `GET /api/{contacts|companies}/_count` ->
 * `{ total }`, the number of records a full listing returns (deleted ones excluded), so a load can
 * show its progress and an ETA. Paths start with `_`, which no record id of this CRM does.
 */
import type http from 'node:http';
import type { Sql } from '../shared/database';
import { HttpError, sendJson } from '../shared/http';
import { authenticate, type ApiKeys } from './auth';
import type { Chaos } from './chaos';
import { resources } from './resources';

const BULK_PATH = /^\/api\/(contacts|companies)\/(_[a-z]+)$/;

/** Answers a bulk endpoint and returns true, or returns false when `path` is not one. */
export async function handleBulkApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL, deps: { sql: Sql; chaos: Chaos; keys: ApiKeys }): Promise<boolean> {
  const path = url.pathname.replace(/\/+$/, '');
  const match = BULK_PATH.exec(path);
  if (!match) return false;
  await deps.chaos.apply();
  authenticate(req, deps.keys);
  const { sql } = deps;
  const resource = resources[match[1]!]!;
  if (match[2] !== '_count') throw new HttpError(404, `no such endpoint: ${path} (bulk endpoints: /api/${resource.name}/_count)`);
  if (req.method !== 'GET') throw new HttpError(405, `${req.method ?? '?'} is not supported on ${path}`);
  const [row] = await sql<{ total: number }[]>`SELECT count(*)::int AS total FROM ${sql(resource.name)} WHERE deleted_at IS NULL`;
  sendJson(res, 200, { total: row?.total ?? 0 });
  return true;
}
