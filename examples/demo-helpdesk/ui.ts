/**
 * The helpdesk's web page at `/`: customers with who changed them and when (the integration's changes
 * in green, rows flagged for deletion by the sync highlighted), a form to create or edit a customer as
 * `helpdesk-agent`, and a hard delete, which Syncline can only notice by comparing its register.
 */
import type http from 'node:http';
import { HttpError, readJsonObject, sendHtml, sendJson } from '../shared/http';
import { html, page, shortTime, type Html } from '../shared/page';
import { AGENT_USER, type CustomerStore } from './customers';

const INTEGRATION_USER = 'svc-sync';

async function liveRegion(customers: CustomerStore): Promise<Html> {
  const { rows, total } = await customers.recent();
  return html`<section>
  <h2>Customers <span class="muted">${total} in the table · newest changes first · refreshes every 2 s</span></h2>
  <table><thead><tr><th>Name</th><th>Email</th><th>Phone</th><th>Support tier</th><th>Open tickets</th><th>Updated by</th><th>Updated at (UTC)</th><th></th></tr></thead><tbody>
  ${rows.map(
    (c) => html`<tr class="${c.deletedAt ? 'gone' : c.flaggedForDeletion ? 'flagged' : ''}">
      <td>${c.name}${c.flaggedForDeletion ? html` <span class="badge warn">flagged for deletion</span>` : ''}</td>
      <td>${c.email}</td><td>${c.phone}</td><td>${c.supportTier}</td><td>${c.openTickets}</td>
      <td><span class="badge ${c.updatedBy === INTEGRATION_USER ? 'svc' : ''}">${c.updatedBy}</span></td>
      <td class="mono">${shortTime(c.updatedAt)}${c.deletedAt ? html` <span class="badge bad">deleted</span>` : ''}</td>
      <td class="row"><button class="small ghost" data-edit='${JSON.stringify({ id: c.id, name: c.name, email: c.email, phone: c.phone, supportTier: c.supportTier })}'>Edit</button>
        <button class="small danger" data-call="/ui/customers/${encodeURIComponent(c.id)}" data-method="DELETE"
          data-confirm="Permanently delete ${c.name} and their tickets?">Delete</button></td></tr>`,
  )}
  ${rows.length === 0 ? html`<tr><td colspan="8" class="muted">No customers yet: create one above, or let Syncline sync them from the CRM.</td></tr>` : ''}
  </tbody></table></section>`;
}

async function fullPage(customers: CustomerStore): Promise<string> {
  const field = (name: string, label: string, type = 'text') => html`<label>${label}<input name="${name}" type="${type}"></label>`;
  const editor = html`<section><h2>Customer <span class="muted">you are <b>${AGENT_USER}</b>; deletes here are permanent (hard deletes)</span></h2>
<form class="editor" data-api="/ui/customers" data-create-label="Create customer"><input type="hidden" name="id">
  ${field('name', 'Name')}${field('email', 'Email', 'email')}${field('phone', 'Phone')}
  <label>Support tier<select name="supportTier"><option value="">(none)</option><option>bronze</option><option>silver</option><option>gold</option></select></label>
  <div class="row"><button type="submit">Create customer</button><button type="reset" class="ghost">Clear</button></div>
</form></section>`;
  return page({ title: 'Demo Helpdesk', subtitle: 'a stand-in helpdesk that Syncline reads and writes as a PostgreSQL database', accent: '#7c3aed', editor, live: await liveRegion(customers) });
}

export async function handleUi(req: http.IncomingMessage, res: http.ServerResponse, url: URL, customers: CustomerStore): Promise<void> {
  const path = url.pathname;
  const method = req.method ?? 'GET';
  if (path === '/' && method === 'GET') return sendHtml(res, 200, await fullPage(customers));
  if (path === '/ui/fragment' && method === 'GET') return sendHtml(res, 200, (await liveRegion(customers)).value);
  const match = /^\/ui\/customers(?:\/([^/]+))?$/.exec(path);
  if (!match) throw new HttpError(404, `no such page: ${path}`);
  const id = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
  if (id === undefined && method === 'POST') return sendJson(res, 201, await customers.create(await readJsonObject(req)));
  if (id !== undefined && method === 'PATCH') return sendJson(res, 200, await customers.update(id, await readJsonObject(req)));
  if (id !== undefined && method === 'DELETE') {
    await customers.remove(id);
    return sendJson(res, 200, { id, deleted: true });
  }
  throw new HttpError(405, `${method} is not supported on ${path}`);
}
