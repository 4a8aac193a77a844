/**
 * A small made-up REST API for the generic ("custom") REST connector: not a vendor, so no vendor
 * documentation; its contract is the OpenAPI document it serves itself at `/openapi.yaml`
 * ({@link TICKET_API_OPENAPI}) plus what OpenAPI cannot say, which the analyst enters by hand:
 *   GET    /v2/tickets?limit=&cursor=&updatedSince=&email=  → { items: [...], meta: { next: cursor | null } },
 *          ordered by (updated_at, id); `updatedSince` keeps tickets updated at or after it (ISO 8601)
 *   GET    /v2/tickets/{ticketId}, POST /v2/tickets, PATCH /v2/tickets/{ticketId}, DELETE /v2/tickets/{ticketId}
 *   sign-in: header `X-Api-Key`, or basic with user `sync-bot` and the key as password; a wrong key → 401 `{ error }`; a create without `subject` → 422 `{ error, field }`.
 */
import { monotonicClock, startFakeApi, type FakeApi } from './fake-api';

export interface Ticket {
  id: string;
  subject: string;
  email: string;
  status: string;
  updated_at: string;
  updated_by: string;
}

export const TICKET_API_OPENAPI = (baseUrl: string) => `openapi: 3.0.3
info:
  title: Ticket API
  version: '2.0'
servers:
  - url: ${baseUrl}/v2
components:
  securitySchemes:
    key:
      type: apiKey
      in: header
      name: X-Api-Key
  schemas:
    Ticket:
      type: object
      required: [subject]
      properties:
        id: { type: string, readOnly: true }
        subject: { type: string, title: Subject }
        email: { type: string, format: email }
        status: { type: string, enum: [open, pending, closed] }
        updated_at: { type: string, format: date-time, readOnly: true }
        updated_by: { type: string, readOnly: true }
security:
  - key: []
paths:
  /tickets:
    get:
      responses:
        '200':
          description: a page of tickets
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: { type: array, items: { $ref: '#/components/schemas/Ticket' } }
    post:
      requestBody:
        content:
          application/json:
            schema: { $ref: '#/components/schemas/Ticket' }
      responses:
        '201': { description: created, content: { application/json: { schema: { $ref: '#/components/schemas/Ticket' } } } }
  /tickets/{ticketId}:
    get:
      responses:
        '200': { description: one ticket, content: { application/json: { schema: { $ref: '#/components/schemas/Ticket' } } } }
    patch:
      requestBody:
        content:
          application/json:
            schema: { $ref: '#/components/schemas/Ticket' }
      responses:
        '200': { description: updated, content: { application/json: { schema: { $ref: '#/components/schemas/Ticket' } } } }
    delete:
      responses:
        '204': { description: deleted }
`;

export interface TicketApiFake extends FakeApi {
  readonly tickets: Map<string, Ticket>;
  seed(fields: Partial<Ticket>, at: Date): Ticket;
}

export async function startTicketApiFake(options: { apiKey: string }): Promise<TicketApiFake> {
  const tickets = new Map<string, Ticket>();
  const now = monotonicClock();
  let nextId = 1;
  const seed = (fields: Partial<Ticket>, at: Date): Ticket => {
    const ticket: Ticket = { id: `T${nextId++}`, subject: '', email: '', status: 'open', updated_by: 'someone', ...fields, updated_at: at.toISOString() };
    tickets.set(ticket.id, ticket);
    return ticket;
  };
  const ordered = () => [...tickets.values()].sort((a, b) => a.updated_at.localeCompare(b.updated_at) || Number(a.id.slice(1)) - Number(b.id.slice(1)));
  const api = await startFakeApi(({ method, url, headers, body }) => {
    if (url.pathname === '/openapi.yaml') return { status: 200, body: TICKET_API_OPENAPI(fake.url) };
    const basic = `Basic ${Buffer.from(`sync-bot:${options.apiKey}`).toString('base64')}`;
    if (headers['x-api-key'] !== options.apiKey && headers.authorization !== basic) return { status: 401, body: { error: 'invalid API key' } };
    const one = /^\/v2\/tickets\/([^/]+)$/.exec(url.pathname);
    if (url.pathname === '/v2/tickets' && method === 'GET') {
      const since = url.searchParams.get('updatedSince');
      const email = url.searchParams.get('email');
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 50), 50);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const matching = ordered().filter((t) => (!since || t.updated_at >= new Date(since).toISOString()) && (email === null || t.email === email));
      const items = matching.slice(start, start + limit);
      return { status: 200, body: { items, meta: { next: start + limit < matching.length ? String(start + limit) : null } } };
    }
    if (url.pathname === '/v2/tickets' && method === 'POST') {
      const fields = body as Partial<Ticket>;
      if (!fields.subject) return { status: 422, body: { error: 'subject is required', field: 'subject' } };
      return { status: 201, body: seed({ ...fields, updated_by: 'api' }, now()) };
    }
    const ticket = one ? tickets.get(decodeURIComponent(one[1]!)) : undefined;
    if (one && !ticket) return { status: 404, body: { error: 'no such ticket' } };
    if (ticket && method === 'GET') return { status: 200, body: ticket };
    if (ticket && method === 'PATCH') {
      Object.assign(ticket, body as Partial<Ticket>, { updated_at: now().toISOString(), updated_by: 'api' });
      return { status: 200, body: ticket };
    }
    if (ticket && method === 'DELETE') {
      tickets.delete(ticket.id);
      return { status: 204 };
    }
    return { status: 404, body: { error: `no route ${method} ${url.pathname}` } };
  });
  const fake: TicketApiFake = { ...api, tickets, seed };
  return fake;
}
