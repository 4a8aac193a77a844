/**
 * A small in-house contacts API as analysts meet them, for the first-day e2e test: REST by the
 * convention Syncline's REST connections follow (domain/connectors/rest-gateway.ts):
 *   POST  /contacts            {fields}  -> 201 {id, ...fields}
 *   PATCH /contacts/{id}       {fields}  -> 200 {id, ...fields} | 404
 *   GET   /contacts?{field}=v            -> 200 [{id, ...}] (exact matches)
 * Its fields are `email` (required) and `name`. Like many home-grown APIs that hand the body to
 * their database, it answers a field it does not know, or a missing email, with
 * `500 Internal Server Error` and the database's words, so Syncline treats it as temporary and retries.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Contact {
  id: string;
  email: string;
  name: string | null;
}

export interface ContactsApi {
  url: string;
  contacts: Contact[];
  /** Status codes answered to POST and PATCH, in order. */
  writes: number[];
  close(): Promise<void>;
}

const KNOWN = new Set(['email', 'name']);

export async function startContactsApi(): Promise<ContactsApi> {
  const api: ContactsApi = { url: '', contacts: [], writes: [], close: async () => {} };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const send = (status: number, body: unknown) => {
        if (req.method === 'POST' || req.method === 'PATCH') api.writes.push(status);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      const [, collection, id] = url.pathname.split('/');
      if (collection !== 'contacts') return send(404, { error: 'not found' });
      if (req.method === 'GET' && !id) {
        const filters = [...url.searchParams.entries()].filter(([k]) => KNOWN.has(k));
        return send(200, api.contacts.filter((c) => filters.every(([k, v]) => String(c[k as keyof Contact]) === v)));
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw || '{}') as Record<string, unknown>;
      } catch {
        return send(400, { error: 'invalid JSON' });
      }
      const unknown = Object.keys(body).find((k) => !KNOWN.has(k));
      if (unknown) return send(500, { error: `column "${unknown}" of relation "contacts" does not exist` });
      if (req.method === 'PATCH' && id) {
        const contact = api.contacts.find((c) => c.id === id);
        if (!contact) return send(404, { error: 'no such contact' });
        Object.assign(contact, body);
        return send(200, contact);
      }
      if (req.method === 'POST' && !id) {
        if (typeof body.email !== 'string' || !body.email) return send(500, { error: 'null value in column "email" violates not-null constraint' });
        const contact: Contact = { id: String(api.contacts.length + 1), email: body.email, name: typeof body.name === 'string' ? body.name : null };
        api.contacts.push(contact);
        return send(201, contact);
      }
      return send(405, { error: 'method not allowed' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () => new Promise((resolve) => server.close(() => resolve()));
  return api;
}
