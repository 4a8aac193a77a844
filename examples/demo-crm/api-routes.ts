/**
 * The REST API under /api (see README.md for the conventions the Syncline connector relies on).
 * Chaos applies here, except to /api/_chaos itself.
 */
import type http from 'node:http';
import { HttpError, readJsonObject, sendJson } from '../shared/http';
import { authenticate, type ApiKeys } from './auth';
import { ChaosPatch, type Chaos } from './chaos';
import type { RecordStore } from './records';
import { resources } from './resources';
import type { WebhookStore } from './webhooks';

export interface ApiDeps {
  records: RecordStore;
  webhooks: WebhookStore;
  chaos: Chaos;
  keys: ApiKeys;
}

const RECORD_PATH = /^\/api\/(contacts|companies)(?:\/([^/]+))?$/;
const ANONYMISE_PATH = /^\/api\/(contacts|companies)\/([^/]+)\/anonymise$/;
const WEBHOOK_PATH = /^\/api\/webhooks(?:\/([^/]+))?$/;

function methodNotAllowed(method: string, path: string): never {
  throw new HttpError(405, `${method} is not supported on ${path}`);
}

async function handleChaos(req: http.IncomingMessage, res: http.ServerResponse, chaos: Chaos): Promise<void> {
  if (req.method === 'GET') return sendJson(res, 200, chaos.state);
  if (req.method === 'DELETE') return sendJson(res, 200, chaos.reset());
  if (req.method !== 'POST') methodNotAllowed(req.method ?? '?', '/api/_chaos');
  const parsed = ChaosPatch.safeParse(await readJsonObject(req));
  if (!parsed.success) {
    throw new HttpError(400, `invalid chaos settings: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  }
  sendJson(res, 200, chaos.update(parsed.data));
}

export async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL, deps: ApiDeps): Promise<void> {
  const path = url.pathname.replace(/\/+$/, '');
  const method = req.method ?? 'GET';
  if (path === '/api/_chaos') return handleChaos(req, res, deps.chaos);
  await deps.chaos.apply();
  const user = authenticate(req, deps.keys);

  const anonymise = ANONYMISE_PATH.exec(path);
  if (anonymise) {
    if (method !== 'POST') methodNotAllowed(method, path);
    const resource = resources[anonymise[1]!]!;
    return sendJson(res, 200, await deps.records.anonymise(resource, decodeURIComponent(anonymise[2]!), await readJsonObject(req), user));
  }

  const record = RECORD_PATH.exec(path);
  if (record) {
    const resource = resources[record[1]!]!;
    const id = record[2] === undefined ? undefined : decodeURIComponent(record[2]);
    if (id === undefined) {
      if (method === 'GET') return sendJson(res, 200, await deps.records.list(resource, Object.fromEntries(url.searchParams)));
      if (method !== 'POST') methodNotAllowed(method, path);
      const key = req.headers['idempotency-key'];
      const idempotencyKey = typeof key === 'string' && key.trim() ? key.trim() : undefined;
      const { record: created, replayed } = await deps.records.create(resource, await readJsonObject(req), user, idempotencyKey);
      return sendJson(res, 201, created, replayed ? { 'idempotent-replayed': 'true' } : {});
    }
    if (method === 'GET') return sendJson(res, 200, await deps.records.get(resource, id));
    if (method === 'PATCH') return sendJson(res, 200, await deps.records.update(resource, id, await readJsonObject(req), user));
    if (method === 'DELETE') return sendJson(res, 200, await deps.records.remove(resource, id, user));
    methodNotAllowed(method, path);
  }

  const webhook = WEBHOOK_PATH.exec(path);
  if (webhook) {
    const id = webhook[1] === undefined ? undefined : decodeURIComponent(webhook[1]);
    if (id === undefined && method === 'GET') return sendJson(res, 200, { data: await deps.webhooks.list() });
    if (id === undefined && method === 'POST') return sendJson(res, 201, await deps.webhooks.create(await readJsonObject(req), user));
    if (id !== undefined && method === 'DELETE') {
      await deps.webhooks.remove(id);
      return sendJson(res, 200, { id, deleted: true });
    }
    methodNotAllowed(method, path);
  }
  throw new HttpError(404, `no such endpoint: ${method} ${path} (see examples/demo-crm/README.md)`);
}
