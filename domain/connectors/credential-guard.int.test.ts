/**
 * The credential guard with real sockets: a connection's secret reaches its base URL and nothing
 * else, neither by a look-alike URL nor by a redirect (issue 13, item 1).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { insertUser, insertWorkspace } from '../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { UserError } from '../../flows-engine/index';
import { createConnection } from '../connections/connection-service';
import { createConnectors } from './connectors';

process.env.SYNCLINE_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

const SECRET = `canary-${randomBytes(6).toString('hex')}`;

interface Seen {
  readonly url: string;
  readonly method: string;
  readonly authorization: string | undefined;
}

/** A real HTTP server that records every request it gets and answers with `answer`. */
function recordingServer(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', method: req.method ?? '', authorization: req.headers.authorization });
    req.resume();
    answer(req, res);
  });
  return { server, seen };
}

function listen(server: Server, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
}

let database: TestDatabase;
let handle: DbHandle;
let actor: { workspaceId: string; userId: string };
let api: ReturnType<typeof recordingServer>;
let elsewhere: ReturnType<typeof recordingServer>;
let apiBase: string;
let elsewhereBase: string;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
  const user = await insertUser(handle.db, 'Ada Admin');
  actor = { workspaceId: await insertWorkspace(handle.db, 'Acme', [{ userId: user.id, role: 'admin' }]), userId: user.id };
  elsewhere = recordingServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"stolen":true}'));
  api = recordingServer((req, res) => {
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
    if (req.url === '/api/to-elsewhere') return json(302, {}, { location: `${elsewhereBase}/collect` });
    if (req.url === '/api/to-outside-base') return json(302, {}, { location: '/admin/secrets' });
    if (req.url === '/api/moved') return json(301, {}, { location: '/api/contacts' });
    if (req.url === '/api/contacts') return json(200, { items: [] });
    return json(404, {});
  });
  // The shape: the base's port is a prefix of the other server's port (4599 and 45990).
  for (let port = 4599; port < 6500; port += 2) {
    if (!(await listen(api.server, port))) continue;
    if (await listen(elsewhere.server, port * 10)) break;
    await new Promise((r) => api.server.close(r));
  }
  apiBase = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  elsewhereBase = `http://127.0.0.1:${(elsewhere.server.address() as AddressInfo).port}`;
  expect(elsewhereBase.startsWith(apiBase)).toBe(true);
});

afterAll(async () => {
  api?.server.close();
  elsewhere?.server.close();
  await handle?.close();
  await database?.drop();
});

const bearerConnection = (baseUrl: string) =>
  createConnection(handle.db, actor, {
    name: `Billing API ${randomBytes(3).toString('hex')}`,
    kind: 'rest',
    integrationIdentity: 'svc-sync',
    owner: '',
    description: '',
    scopes: [],
    credentialExpiresAt: null,
    allowPrivateNetwork: true,
    settings: { baseUrl, healthPath: '', auth: { type: 'bearer' } },
    secret: SECRET,
  });

const request = (connectionId: string, url: string) => createConnectors(handle.db, actor).http.request({ connectionId, method: 'GET', url, headers: {}, timeoutMs: 5000, idempotencyKey: 'k' });

describe('a connection’s credentials go only to its base URL', () => {
  it('refuses a server whose port starts with the base port, and the server never sees the secret', async () => {
    const connection = await bearerConnection(apiBase);
    const attempt = request(connection.id, `${elsewhereBase}/x`);
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toThrow(new RegExp(`outside the base URL ${apiBase} of connection “${connection.name}”`));
    expect(elsewhere.seen).toEqual([]);
  });

  it('refuses a path that climbs out of the base path', async () => {
    const connection = await bearerConnection(`${apiBase}/api`);
    const before = api.seen.length;
    await expect(request(connection.id, `${apiBase}/api/../escaped`)).rejects.toThrow(/outside the base URL/);
    await expect(request(connection.id, `${apiBase}/api/%2e%2e/escaped`)).rejects.toThrow(/outside the base URL/);
    expect(api.seen.length).toBe(before);
  });

  it('does not follow a 302 to another server with the Authorization header', async () => {
    const connection = await bearerConnection(`${apiBase}/api`);
    const attempt = request(connection.id, 'to-elsewhere');
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toThrow(/redirected to .*outside the base URL/);
    expect(api.seen.filter((s) => s.url === '/api/to-elsewhere').every((s) => s.authorization === `Bearer ${SECRET}`)).toBe(true);
    expect(elsewhere.seen.map((s) => s.authorization)).not.toContain(`Bearer ${SECRET}`);
    expect(elsewhere.seen).toEqual([]);
  });

  it('does not follow a redirect out of the base path on the same server', async () => {
    const connection = await bearerConnection(`${apiBase}/api`);
    await expect(request(connection.id, 'to-outside-base')).rejects.toThrow(/redirected to .*\/admin\/secrets, outside the base URL/);
    expect(api.seen.some((s) => s.url === '/admin/secrets')).toBe(false);
  });

  it('follows a redirect inside the base URL, with the credentials', async () => {
    const connection = await bearerConnection(`${apiBase}/api`);
    const response = await request(connection.id, 'moved');
    expect(response).toMatchObject({ status: 200, body: { items: [] } });
    expect(api.seen.filter((s) => s.url === '/api/contacts').at(-1)).toEqual({ url: '/api/contacts', method: 'GET', authorization: `Bearer ${SECRET}` });
  });
});
