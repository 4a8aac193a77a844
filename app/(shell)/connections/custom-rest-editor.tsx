'use client';

/**
 * The editor of a custom REST API (connection kind "Known system", system "Custom REST API"): base
 * URL, sign-in, and per object its paths, record path, id / modified-at / modified-by fields,
 * pagination, change detection and fields — or all of it prefilled from an OpenAPI document. The
 * server checks the definition when the connection is saved (domain/connectors/kit/custom-rest.ts).
 */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../_components/button';
import { TextField } from '../../_components/text-field';
import { useTRPC } from '../../_lib/trpc/react';

export const CUSTOM_REST = 'custom-rest';

type Auth = { type: string; in?: string; name?: string; username?: string; tokenUrl?: string; clientId?: string; scope?: string };
type Pagination = { type: string; tokenPath?: string; param?: string; urlPath?: string; offsetParam?: string; pageParam?: string };
type Field = { name: string; type: string; required: boolean; readOnly: boolean; label?: string; options?: string[] };
export type CustomObject = {
  name: string; label: string; idField: string; modifiedAtField: string; modifiedByField: string; records: string;
  listPath: string; getPath: string; createPath: string; updatePath: string; updateMethod: string; deletePath: string;
  limitParam: string; maxPageSize: number; pagination: Pagination; sinceParam: string; sinceFormat: string; findByQuery: boolean; fields: Field[];
};
export type CustomDefinition = { label: string; baseUrl: string; auth: Auth; checkPath: string; concurrency: number; objects: CustomObject[] };

const FIELD_TYPES = ['string', 'number', 'boolean', 'datetime', 'date', 'email', 'phone', 'enum', 'json'];
const select = 'block w-full rounded-md border-0 px-3 py-2 text-sm ring-1 ring-slate-300';

const newObject = (): CustomObject => ({
  name: 'records', label: 'Records', idField: 'id', modifiedAtField: 'updated_at', modifiedByField: '', records: '',
  listPath: '/records', getPath: '/records/{{id}}', createPath: '/records', updatePath: '/records/{{id}}', updateMethod: 'PATCH', deletePath: '/records/{{id}}',
  limitParam: 'limit', maxPageSize: 100, pagination: { type: 'none' }, sinceParam: '', sinceFormat: 'iso', findByQuery: false, fields: [],
});
export const emptyDefinition = (): CustomDefinition => ({ label: 'Custom REST API', baseUrl: '', auth: { type: 'none' }, checkPath: '', concurrency: 4, objects: [newObject()] });

const SECRET: Record<string, string> = { none: '', apiKey: 'API key', bearer: 'Bearer token', basic: 'Password', oauth2ClientCredentials: 'Client secret' };
/** The label of the connection's secret for this definition ('' when it signs in with nothing). */
export function customRestSecretLabel(definition: unknown): string {
  return SECRET[(definition as CustomDefinition | undefined)?.auth?.type ?? 'none'] ?? 'Secret';
}

function Select({ label, value, onChange, options }: { label: string; value: string; onChange: (v: string) => void; options: [string, string][] }) {
  const id = `sel-${label.replace(/\W+/g, '-')}`;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">{label}</label>
      <select id={id} className={select} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
    </div>
  );
}

function OpenApiImport({ allowPrivateNetwork, onImported }: { allowPrivateNetwork: boolean; onImported: (definition: CustomDefinition) => void }) {
  const trpc = useTRPC();
  const [text, setText] = useState('');
  const [url, setUrl] = useState('');
  const [notes, setNotes] = useState<readonly string[]>([]);
  const run = useMutation(trpc.connections.importOpenApi.mutationOptions({
    onSuccess: (r) => {
      setNotes(r.notes);
      onImported(r.definition as CustomDefinition);
    },
  }));
  return (
    <section aria-label="Import OpenAPI document" className="space-y-2 rounded-md bg-slate-50 p-3">
      <h3 className="text-sm font-semibold text-slate-800">Import OpenAPI document</h3>
      <p className="text-xs text-slate-500">Prefills the base URL, sign-in, objects, paths and fields from an OpenAPI 3 document (JSON or YAML). Pagination and change detection are not in OpenAPI: set them below.</p>
      <div className="grid gap-3 sm:grid-cols-2">
        <div className="space-y-1">
          <label htmlFor="openapi-text" className="block text-sm font-medium text-slate-700">Paste the document</label>
          <textarea id="openapi-text" rows={4} className="block w-full rounded-md border-0 px-3 py-2 font-mono text-xs ring-1 ring-slate-300" value={text} onChange={(e) => setText(e.target.value)} />
          <label htmlFor="openapi-file" className="block text-xs text-slate-600">or upload a file</label>
          <input id="openapi-file" type="file" accept=".json,.yaml,.yml,application/json,application/yaml" className="text-xs"
            onChange={(e) => void e.target.files?.[0]?.text().then(setText)} />
        </div>
        <TextField label="or its URL" placeholder="https://api.example.com/openapi.yaml" value={url} onChange={(e) => setUrl(e.target.value)} />
      </div>
      <Button variant="secondary" disabled={run.isPending || (!text.trim() && !url.trim())}
        onClick={() => run.mutate(text.trim() ? { text } : { url: url.trim(), allowPrivateNetwork })}>Import OpenAPI document</Button>
      {run.error && <p role="alert" className="text-sm text-red-600">{run.error.message}</p>}
      {run.isSuccess && (
        <div role="status" className="text-xs text-slate-700">
          <p className="font-medium text-emerald-700">Imported. Check and complete the definition below, then save.</p>
          {notes.length > 0 && <ul className="list-disc pl-5">{notes.map((n) => <li key={n}>{n}</li>)}</ul>}
        </div>
      )}
    </section>
  );
}

function FieldsTable({ fields, onChange, object }: { fields: Field[]; onChange: (f: Field[]) => void; object: string }) {
  const set = (i: number, patch: Partial<Field>) => onChange(fields.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  return (
    <div className="space-y-1">
      <p className="text-sm font-medium text-slate-700">Fields</p>
      <table className="w-full text-xs" aria-label={`${object} fields`}>
        <thead><tr className="text-left text-slate-500"><th>Field</th><th>Type</th><th>Required</th><th>Read-only</th><th /></tr></thead>
        <tbody>
          {fields.map((f, i) => (
            <tr key={i}>
              <td><input aria-label={`Field ${i + 1} name`} className="w-full rounded px-1 ring-1 ring-slate-300" value={f.name} onChange={(e) => set(i, { name: e.target.value })} /></td>
              <td>
                <select aria-label={`Field ${i + 1} type`} className="rounded ring-1 ring-slate-300" value={f.type} onChange={(e) => set(i, { type: e.target.value })}>
                  {FIELD_TYPES.map((t) => <option key={t}>{t}</option>)}
                </select>
              </td>
              <td><input type="checkbox" aria-label={`Field ${i + 1} required`} checked={f.required} onChange={(e) => set(i, { required: e.target.checked })} /></td>
              <td><input type="checkbox" aria-label={`Field ${i + 1} read-only`} checked={f.readOnly} onChange={(e) => set(i, { readOnly: e.target.checked })} /></td>
              <td><button type="button" className="text-red-600" onClick={() => onChange(fields.filter((_, j) => j !== i))}>Remove</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <Button variant="ghost" onClick={() => onChange([...fields, { name: '', type: 'string', required: false, readOnly: false }])}>Add field</Button>
    </div>
  );
}

function ObjectEditor({ object: o, onChange, onRemove }: { object: CustomObject; onChange: (o: CustomObject) => void; onRemove?: () => void }) {
  const set = (patch: Partial<CustomObject>) => onChange({ ...o, ...patch });
  const p = o.pagination;
  const setPaging = (patch: Partial<Pagination>) => set({ pagination: { ...p, ...patch } });
  return (
    <fieldset className="space-y-3 rounded-md p-3 ring-1 ring-slate-200" aria-label={`Object ${o.label}`}>
      <legend className="px-1 text-sm font-semibold text-slate-800">Object: {o.label}</legend>
      <div className="grid gap-3 sm:grid-cols-3">
        <TextField label="Object name" hint="Letters, digits, underscores (e.g. contacts)" value={o.name} onChange={(e) => set({ name: e.target.value })} />
        <TextField label="Object label" value={o.label} onChange={(e) => set({ label: e.target.value })} />
        <TextField label="Record path" hint="Where the list answer holds the records; empty when it is the list" value={o.records} onChange={(e) => set({ records: e.target.value })} />
        <TextField label="List path" value={o.listPath} onChange={(e) => set({ listPath: e.target.value })} />
        <TextField label="Get path" hint="{{id}} stands for the record id" value={o.getPath} onChange={(e) => set({ getPath: e.target.value })} />
        <TextField label="Create path" hint="Empty: cannot create" value={o.createPath} onChange={(e) => set({ createPath: e.target.value })} />
        <TextField label="Update path" hint="Empty: cannot update" value={o.updatePath} onChange={(e) => set({ updatePath: e.target.value })} />
        <Select label="Update method" value={o.updateMethod} onChange={(updateMethod) => set({ updateMethod })} options={[['PATCH', 'PATCH'], ['PUT', 'PUT']]} />
        <TextField label="Delete path" hint="Empty: cannot delete" value={o.deletePath} onChange={(e) => set({ deletePath: e.target.value })} />
        <TextField label="Id field" value={o.idField} onChange={(e) => set({ idField: e.target.value })} />
        <TextField label="Modified-at field" value={o.modifiedAtField} onChange={(e) => set({ modifiedAtField: e.target.value })} />
        <TextField label="Modified-by field" hint="Loop prevention: who changed the record last" value={o.modifiedByField} onChange={(e) => set({ modifiedByField: e.target.value })} />
        <Select label="Pagination" value={p.type} onChange={(type) => set({ pagination: { type } })}
          options={[['none', 'None (one page)'], ['cursor', 'Cursor in the body'], ['nextUrl', 'Next URL in the body'], ['linkHeader', 'Link header'], ['offset', 'Offset / limit'], ['page', 'Page number']]} />
        {p.type === 'cursor' && <TextField label="Cursor path in the answer" placeholder="meta.next" value={p.tokenPath ?? ''} onChange={(e) => setPaging({ tokenPath: e.target.value })} />}
        {p.type === 'cursor' && <TextField label="Cursor query parameter" placeholder="cursor" value={p.param ?? ''} onChange={(e) => setPaging({ param: e.target.value })} />}
        {p.type === 'nextUrl' && <TextField label="Next URL path in the answer" placeholder="links.next" value={p.urlPath ?? ''} onChange={(e) => setPaging({ urlPath: e.target.value })} />}
        {p.type === 'offset' && <TextField label="Offset query parameter" placeholder="offset" value={p.offsetParam ?? ''} onChange={(e) => setPaging({ offsetParam: e.target.value })} />}
        {p.type === 'page' && <TextField label="Page query parameter" placeholder="page" value={p.pageParam ?? ''} onChange={(e) => setPaging({ pageParam: e.target.value })} />}
        <TextField label="Page size parameter" hint="Empty when the API takes none" value={o.limitParam} onChange={(e) => set({ limitParam: e.target.value })} />
        <TextField label="Largest page" type="number" value={String(o.maxPageSize)} onChange={(e) => set({ maxPageSize: Number(e.target.value) })} />
        <TextField label="Modified-since parameter" hint="Change detection; empty: each poll reads every record" value={o.sinceParam} onChange={(e) => set({ sinceParam: e.target.value })} />
        <Select label="Modified-since format" value={o.sinceFormat} onChange={(sinceFormat) => set({ sinceFormat })}
          options={[['iso', 'ISO 8601 with milliseconds'], ['isoSeconds', 'ISO 8601, whole seconds'], ['unixSeconds', 'Unix seconds'], ['unixMs', 'Unix milliseconds']]} />
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" checked={o.findByQuery} onChange={(e) => set({ findByQuery: e.target.checked })} />
        The list path filters by a field (<code>?email=…</code>): used to match existing records
      </label>
      <FieldsTable fields={o.fields} object={o.label} onChange={(fields) => set({ fields })} />
      {onRemove && <Button variant="ghost" onClick={onRemove}>Remove object</Button>}
    </fieldset>
  );
}

export function CustomRestEditor({ definition, onChange, allowPrivateNetwork }: { definition: CustomDefinition; onChange: (d: CustomDefinition) => void; allowPrivateNetwork: boolean }) {
  const d = definition;
  const set = (patch: Partial<CustomDefinition>) => onChange({ ...d, ...patch });
  const auth = d.auth;
  const setAuth = (patch: Partial<Auth>) => set({ auth: { ...auth, ...patch } });
  return (
    <div className="space-y-4">
      <OpenApiImport allowPrivateNetwork={allowPrivateNetwork} onImported={onChange} />
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="API name" value={d.label} onChange={(e) => set({ label: e.target.value })} />
        <TextField label="API base URL" placeholder="https://api.example.com/v1" value={d.baseUrl} onChange={(e) => set({ baseUrl: e.target.value })} />
        <TextField label="Test path" hint="Requested by “Test connection”; empty: the first object’s list" value={d.checkPath} onChange={(e) => set({ checkPath: e.target.value })} />
        <Select label="Sign-in" value={auth.type} onChange={(type) => set({ auth: { type } })}
          options={[['none', 'None'], ['apiKey', 'API key'], ['bearer', 'Bearer token'], ['basic', 'Basic (user + password)'], ['oauth2ClientCredentials', 'OAuth2 client credentials']]} />
        {auth.type === 'apiKey' && <Select label="API key goes in" value={auth.in ?? 'header'} onChange={(v) => setAuth({ in: v })} options={[['header', 'A header'], ['query', 'A query parameter']]} />}
        {auth.type === 'apiKey' && <TextField label="API key name" placeholder="X-Api-Key" value={auth.name ?? ''} onChange={(e) => setAuth({ name: e.target.value, in: auth.in ?? 'header' })} />}
        {auth.type === 'basic' && <TextField label="Sign-in user name" value={auth.username ?? ''} onChange={(e) => setAuth({ username: e.target.value })} />}
        {auth.type === 'oauth2ClientCredentials' && (
          <>
            <TextField label="OAuth2 token URL" value={auth.tokenUrl ?? ''} onChange={(e) => setAuth({ tokenUrl: e.target.value })} />
            <TextField label="OAuth2 client id" value={auth.clientId ?? ''} onChange={(e) => setAuth({ clientId: e.target.value })} />
            <TextField label="OAuth2 scope" value={auth.scope ?? ''} onChange={(e) => setAuth({ scope: e.target.value })} />
          </>
        )}
      </div>
      {d.objects.map((o, i) => (
        <ObjectEditor key={i} object={o} onChange={(next) => set({ objects: d.objects.map((x, j) => (j === i ? next : x)) })}
          {...(d.objects.length > 1 ? { onRemove: () => set({ objects: d.objects.filter((_, j) => j !== i) }) } : {})} />
      ))}
      <Button variant="secondary" onClick={() => set({ objects: [...d.objects, newObject()] })}>Add object</Button>
    </div>
  );
}
