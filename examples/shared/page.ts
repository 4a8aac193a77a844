/**
 * Server-rendered pages of the demo systems: an escaping `html` template tag, one stylesheet, and a
 * small vanilla-JS client that (1) swaps the live region with a fresh server-rendered fragment every
 * 2 s, so a person watches syncs land without reloading, and (2) sends the page's forms as JSON.
 * One render path (the server) means one place that escapes.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

/** Template tag: interpolations are escaped unless they are Html (or arrays of Html). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  return new Html(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ''), ''));
}

/** `2024-05-01 12:00:00.123456+00` -> `12:00:00.123` (the page shows times of today's changes). */
export function shortTime(value: string | null | undefined): string {
  if (!value) return '';
  const m = /(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d{1,3})?/.exec(value);
  return m ? `${m[1]} ${m[2]}${m[3] ?? ''}` : value;
}

const STYLES = `
:root { --accent: #2563eb; --bg: #f6f7f9; --card: #fff; --muted: #6b7280; --line: #e5e7eb; --bad: #b91c1c; --ok: #047857; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: #111827; }
header { background: var(--accent); color: #fff; padding: 14px 24px; display: flex; align-items: baseline; gap: 16px; }
header h1 { margin: 0; font-size: 18px; } header span { opacity: .85; }
main { max-width: 1180px; margin: 0 auto; padding: 20px 24px 48px; display: grid; gap: 18px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
h2 { font-size: 15px; margin: 0 0 10px; display: flex; justify-content: space-between; align-items: center; gap: 12px; }
h2 .muted { font-weight: 400; font-size: 13px; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
tr.gone td { color: var(--muted); text-decoration: line-through; } tr.flagged td { background: #fff7ed; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
form.editor { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 8px; align-items: end; }
label { display: grid; gap: 3px; font-size: 12px; color: var(--muted); }
input, select { font: inherit; padding: 6px 8px; border: 1px solid #d1d5db; border-radius: 6px; background: #fff; }
button { font: inherit; padding: 6px 12px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.ghost { background: #fff; color: var(--accent); } button.danger { border-color: var(--bad); background: #fff; color: var(--bad); }
button.small { padding: 2px 8px; font-size: 12px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; background: #eef2ff; color: #3730a3; }
.badge.svc { background: #ecfdf5; color: var(--ok); } .badge.bad { background: #fef2f2; color: var(--bad); } .badge.warn { background: #fff7ed; color: #c2410c; }
.muted { color: var(--muted); } #flash { color: var(--bad); font-size: 13px; } #flash:empty { display: none; }
.banner { padding: 10px 14px; border-radius: 8px; background: #fef2f2; color: var(--bad); border: 1px solid #fecaca; }
.row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; } form.editor .row { flex-wrap: nowrap; }
`;

const CLIENT = `
const flash = (m) => { document.getElementById('flash').textContent = m || ''; };
async function call(method, url, body) {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || ('HTTP ' + res.status));
  return data;
}
async function refresh() {
  try {
    const res = await fetch(location.pathname.replace(/\\/$/, '') + '/ui/fragment', { cache: 'no-store' });
    if (res.ok) document.getElementById('live').innerHTML = await res.text();
  } catch (e) { /* the service is restarting: try again at the next tick */ }
}
setInterval(refresh, 2000);
const editor = document.querySelector('form.editor');
function resetEditor() {
  editor.reset(); editor.elements.id.value = '';
  editor.querySelector('[type=submit]').textContent = editor.dataset.createLabel;
}
editor.addEventListener('submit', async (ev) => {
  ev.preventDefault(); flash('');
  const body = {};
  for (const el of editor.elements) if (el.name && el.name !== 'id') body[el.name] = el.value.trim() === '' ? null : el.value.trim();
  const id = editor.elements.id.value;
  try {
    await call(id ? 'PATCH' : 'POST', editor.dataset.api + (id ? '/' + encodeURIComponent(id) : ''), body);
    resetEditor(); await refresh();
  } catch (e) { flash(e.message); }
});
editor.querySelector('[type=reset]').addEventListener('click', (ev) => { ev.preventDefault(); resetEditor(); });
document.addEventListener('click', async (ev) => {
  const t = ev.target.closest('button[data-edit], button[data-call]');
  if (!t) return;
  if (t.dataset.edit) {
    const record = JSON.parse(t.dataset.edit);
    for (const el of editor.elements) if (el.name && el.name in record) el.value = record[el.name] ?? '';
    editor.querySelector('[type=submit]').textContent = 'Save changes';
    editor.scrollIntoView({ behavior: 'smooth' });
    return;
  }
  if (t.dataset.confirm && !confirm(t.dataset.confirm)) return;
  flash('');
  try { await call(t.dataset.method || 'POST', t.dataset.call, t.dataset.body ? JSON.parse(t.dataset.body) : undefined); await refresh(); }
  catch (e) { flash(e.message); }
});
`;

export function page(options: { title: string; subtitle: string; accent: string; editor: Html; live: Html }): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<title>${options.title}</title><style>${new Html(STYLES.replace('#2563eb', options.accent))}</style></head>
<body><header><h1>${options.title}</h1><span>${options.subtitle}</span></header>
<main>${options.editor}<div id="flash" role="alert"></div><div id="live" style="display:grid;gap:18px">${options.live}</div></main>
<script>${new Html(CLIENT)}</script></body></html>`.value;
}
