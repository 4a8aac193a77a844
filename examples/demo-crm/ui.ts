/**
 * The CRM's web page at `/`: contacts with who changed them and when, a form to create or edit a contact
 * as `alice`, the webhook subscriptions and recent deliveries, and the chaos switches. Its own small
 * JSON endpoints under /ui act as alice without an API key and ignore chaos, so the page keeps working
 * (and keeps showing what happens) while the API is "down".
 */
import type http from 'node:http';
import type { Sql } from '../shared/database';
import { HttpError, readJsonObject, sendHtml, sendJson } from '../shared/http';
import { html, page, shortTime, type Html } from '../shared/page';
import { INTEGRATION_USER, UI_USER } from './auth';
import type { Chaos } from './chaos';
import type { RecordStore } from './records';
import { contacts } from './resources';
import type { WebhookStore } from './webhooks';

export interface UiDeps {
  sql: Sql;
  records: RecordStore;
  webhooks: WebhookStore;
  chaos: Chaos;
}

interface ContactRow {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  companyId: string | null;
  companyName: string | null;
  tier: string | null;
  modifiedBy: string;
  modifiedAt: string;
  deletedAt: string | null;
}

const who = (user: string) => html`<span class="badge ${user === INTEGRATION_USER ? 'svc' : ''}">${user}</span>`;

async function liveRegion({ sql, webhooks, chaos }: UiDeps): Promise<Html> {
  const [rows, [count], subscriptions, deliveries] = await Promise.all([
    sql<ContactRow[]>`
      SELECT c.id, c.first_name AS "firstName", c.last_name AS "lastName", c.email, c.phone, c.company_id AS "companyId",
             co.name AS "companyName", c.tier, c.modified_by AS "modifiedBy", c.modified_at::text AS "modifiedAt",
             c.deleted_at::text AS "deletedAt"
      FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
      ORDER BY c.modified_at DESC, c.id DESC LIMIT 100`,
    sql<{ total: number }[]>`SELECT count(*)::int AS total FROM contacts WHERE deleted_at IS NULL`,
    webhooks.list(),
    webhooks.recentDeliveries(15),
  ]);
  const { down, failRate, delayMs, status } = chaos.state;
  const chaosOn = down || failRate > 0 || delayMs > 0;
  return html`
<section>
  <h2>API health <span class="row">
    <button class="small ${down ? '' : 'danger'}" data-call="/api/_chaos" data-body='${JSON.stringify({ down: !down })}'>${down ? 'Bring the API back' : 'Take the API down'}</button>
    <button class="small ghost" data-call="/api/_chaos" data-method="DELETE">Reset chaos</button></span></h2>
  ${chaosOn
    ? html`<div class="banner">Chaos is on: ${down ? html`<b>API down</b> (HTTP ${status}); ` : ''}failRate ${failRate}, delay ${delayMs} ms. The page still works; the REST API does not.</div>`
    : html`<span class="muted">The REST API is up. POST /api/_chaos {"down": true} to simulate an outage.</span>`}
</section>
<section>
  <h2>Contacts <span class="muted">${count?.total ?? 0} active · newest changes first · refreshes every 2 s</span></h2>
  <table><thead><tr><th>Name</th><th>Email</th><th>Phone</th><th>Company</th><th>Tier</th><th>Modified by</th><th>Modified at (UTC)</th><th></th></tr></thead><tbody>
  ${rows.map(
    (c) => html`<tr class="${c.deletedAt ? 'gone' : ''}">
      <td>${c.firstName} ${c.lastName}</td><td>${c.email}</td><td>${c.phone}</td><td>${c.companyName}</td><td>${c.tier}</td>
      <td>${who(c.modifiedBy)}</td><td class="mono">${shortTime(c.modifiedAt)}${c.deletedAt ? html` <span class="badge bad">deleted</span>` : ''}</td>
      <td class="row">${c.deletedAt
        ? ''
        : html`<button class="small ghost" data-edit='${JSON.stringify({ id: c.id, firstName: c.firstName, lastName: c.lastName, email: c.email, phone: c.phone, companyId: c.companyId, tier: c.tier })}'>Edit</button>
               <button class="small danger" data-call="/ui/contacts/${encodeURIComponent(c.id)}" data-method="DELETE" data-confirm="Delete ${c.firstName ?? ''} ${c.lastName ?? ''}?">Delete</button>`}</td></tr>`,
  )}
  ${rows.length === 0 ? html`<tr><td colspan="8" class="muted">No contacts yet: create one above.</td></tr>` : ''}
  </tbody></table>
</section>
<section>
  <h2>Webhook subscriptions <span class="muted">signed with x-signature: sha256=HMAC(body, secret)</span></h2>
  <table><thead><tr><th>URL</th><th>Created by</th><th>Created at</th></tr></thead><tbody>
  ${subscriptions.map((s) => html`<tr><td class="mono">${s.url}</td><td>${who(s.createdBy)}</td><td class="mono">${shortTime(s.createdAt)}</td></tr>`)}
  ${subscriptions.length === 0 ? html`<tr><td colspan="3" class="muted">None: Syncline subscribes through POST /api/webhooks.</td></tr>` : ''}
  </tbody></table>
  <h2 style="margin-top:14px">Recent deliveries</h2>
  <table><thead><tr><th>Event</th><th>Record</th><th>To</th><th>Attempts</th><th>Result</th><th>Queued at</th></tr></thead><tbody>
  ${deliveries.map(
    (d) => html`<tr><td>${d.type}</td><td class="mono">${d.recordKey}</td><td class="mono">${d.url}</td><td>${d.attempts}</td>
      <td>${d.deliveredAt
        ? html`<span class="badge svc">delivered ${d.lastStatus}</span>`
        : d.attempts > 0
          ? html`<span class="badge bad">${d.lastError}</span> <span class="muted">retry at ${shortTime(d.nextAttemptAt)}</span>`
          : html`<span class="badge warn">pending</span>`}</td>
      <td class="mono">${shortTime(d.createdAt)}</td></tr>`,
  )}
  ${deliveries.length === 0 ? html`<tr><td colspan="6" class="muted">No deliveries yet.</td></tr>` : ''}
  </tbody></table>
</section>`;
}

async function fullPage(deps: UiDeps): Promise<string> {
  const companies = await deps.sql<{ id: string; name: string }[]>`
    SELECT id, name FROM companies WHERE deleted_at IS NULL ORDER BY name LIMIT 200`;
  const field = (name: string, label: string, type = 'text') => html`<label>${label}<input name="${name}" type="${type}"></label>`;
  const editor = html`<section><h2>Contact <span class="muted">you are <b>${UI_USER}</b>; every change is stamped with your name</span></h2>
<form class="editor" data-api="/ui/contacts" data-create-label="Create contact"><input type="hidden" name="id">
  ${field('firstName', 'First name')}${field('lastName', 'Last name')}${field('email', 'Email', 'email')}${field('phone', 'Phone')}
  <label>Company<select name="companyId"><option value="">(none)</option>${companies.map((c) => html`<option value="${c.id}">${c.name}</option>`)}</select></label>
  <label>Tier<select name="tier"><option value="">(none)</option><option>bronze</option><option>silver</option><option>gold</option></select></label>
  <div class="row"><button type="submit">Create contact</button><button type="reset" class="ghost">Clear</button></div>
</form></section>`;
  return page({ title: 'Demo CRM', subtitle: 'a stand-in CRM with a REST API and signed webhooks', accent: '#2563eb', editor, live: await liveRegion(deps) });
}

export async function handleUi(req: http.IncomingMessage, res: http.ServerResponse, url: URL, deps: UiDeps): Promise<boolean> {
  const path = url.pathname;
  const method = req.method ?? 'GET';
  if (path === '/' && method === 'GET') {
    sendHtml(res, 200, await fullPage(deps));
    return true;
  }
  if (path === '/ui/fragment' && method === 'GET') {
    sendHtml(res, 200, (await liveRegion(deps)).value);
    return true;
  }
  const match = /^\/ui\/contacts(?:\/([^/]+))?$/.exec(path);
  if (!match) return false;
  const id = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
  if (id === undefined && method === 'POST') sendJson(res, 201, (await deps.records.create(contacts, await readJsonObject(req), UI_USER)).record);
  else if (id !== undefined && method === 'PATCH') sendJson(res, 200, await deps.records.update(contacts, id, await readJsonObject(req), UI_USER));
  else if (id !== undefined && method === 'DELETE') sendJson(res, 200, await deps.records.remove(contacts, id, UI_USER));
  else throw new HttpError(405, `${method} is not supported on ${path}`);
  return true;
}
