'use client';

import { useState, type FormEvent } from 'react';
import { Button } from '../../_components/button';
import { TextField } from '../../_components/text-field';
import type { ConnectorSummary } from '../../../domain/connectors/kit/catalog';
import { CUSTOM_REST, CustomRestEditor, customRestSecretLabel, emptyDefinition, type CustomDefinition } from './custom-rest-editor';
import { SignInSection, signsInWithOAuth, type SignInView } from './sign-in-status';

export type Kind = 'connector' | 'rest' | 'postgres' | 'mysql' | 'webhook' | 'demo-crm' | 'demo-helpdesk';
type AuthType = 'none' | 'apiKey' | 'bearer' | 'basic' | 'oauth2';

export const KIND_LABELS: Record<Kind, string> = {
  connector: 'Known system or custom REST API (HubSpot, Zendesk, your own…)',
  rest: 'REST API',
  postgres: 'PostgreSQL database',
  mysql: 'MySQL or MariaDB database',
  webhook: 'Inbound webhook source',
  'demo-crm': 'Demo CRM (REST)',
  'demo-helpdesk': 'Demo helpdesk (PostgreSQL)',
};

const SECRET_LABEL: Record<AuthType, string> = { none: '', apiKey: 'API key', bearer: 'Bearer token', basic: 'Password', oauth2: 'Client secret' };

/** What the form edits; `secretSet` says a secret is stored (it is never sent to the browser). */
export interface ConnectionDraft {
  id?: string;
  kind: Kind;
  name: string;
  integrationIdentity: string;
  owner: string;
  description: string;
  scopes: string[];
  credentialExpiresAt: Date | null;
  allowPrivateNetwork: boolean;
  settings: Record<string, unknown>;
  secretSet: boolean;
  /** OAuth sign-in ("Connect") of a saved connection; null until connected. */
  signIn?: SignInView | null;
}

export interface ConnectionSubmit extends Omit<ConnectionDraft, 'secretSet' | 'id' | 'signIn'> {
  secret?: string;
}

const isRest = (k: Kind) => k === 'rest' || k === 'demo-crm';
const isPg = (k: Kind) => k === 'postgres' || k === 'demo-helpdesk';

function initialSettings(kind: Kind, catalog: readonly ConnectorSummary[]): Record<string, unknown> {
  if (isRest(kind)) return { baseUrl: '', auth: { type: 'none' } };
  if (isPg(kind)) return { schema: 'public' };
  if (kind === 'mysql') return { host: '', port: 3306, database: '', user: '', tls: 'verified' };
  if (kind === 'connector') return { connector: catalog[0]?.id ?? '', authMethod: '', params: {}, baseUrl: '' };
  return {};
}
const select = 'block w-full rounded-md border-0 px-3 py-2 text-sm ring-1 ring-slate-300';

export function ConnectionForm({ initial, catalog, busy, error, onSubmit, onCancel, signInRedirectUrl, connecting = false, onConnect }: {
  initial: ConnectionDraft;
  /** The declared connectors (kind `connector`). */
  catalog: readonly ConnectorSummary[];
  busy: boolean;
  error?: string;
  onSubmit: (v: ConnectionSubmit) => void;
  onCancel: () => void;
  /** OAuth sign-in: the callback URL to register with the provider, and "Connect" for a saved connection. */
  signInRedirectUrl?: string;
  connecting?: boolean;
  onConnect?: (id: string) => void;
}) {
  const [v, setV] = useState(initial);
  const [secret, setSecret] = useState('');
  const [replacing, setReplacing] = useState(!initial.secretSet);
  const auth = (v.settings.auth ?? { type: 'none' }) as Record<string, string> & { type: AuthType };
  const set = (patch: Partial<ConnectionDraft>) => setV((old) => ({ ...old, ...patch }));
  const setSettings = (patch: Record<string, unknown>) => set({ settings: { ...v.settings, ...patch } });
  const setAuth = (patch: Record<string, string>) => setSettings({ auth: { ...auth, ...patch } });
  const system = v.kind === 'connector' ? catalog.find((c) => c.id === v.settings.connector) : undefined;
  const systemAuth = system?.auth.find((a) => a.id === v.settings.authMethod) ?? system?.auth[0];
  const params = (v.settings.params ?? {}) as Record<string, string>;
  const oauth = signsInWithOAuth(catalog, v.kind, v.settings);
  const secretLabel = isPg(v.kind) ? 'Database URL' : v.kind === 'mysql' ? 'Password' : v.kind === 'webhook' ? 'Shared HMAC secret' : oauth ? 'Client secret' : v.settings.connector === CUSTOM_REST ? customRestSecretLabel(v.settings.definition) : v.kind === 'connector' ? (systemAuth?.type === 'none' ? '' : (systemAuth?.label ?? 'Secret')) : SECRET_LABEL[auth.type];
  const fieldError = (field: string) => (error?.includes(`${field}:`) ? error : undefined);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { secretSet: _s, id: _id, signIn: _signIn, ...rest } = v;
    onSubmit({ ...rest, ...(replacing && secret ? { secret } : {}) });
  };

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Connection">
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="space-y-1">
          <label htmlFor="conn-kind" className="block text-sm font-medium text-slate-700">Kind</label>
          <select id="conn-kind" className={select} value={v.kind} disabled={Boolean(v.id)} onChange={(e) => {
            const kind = e.target.value as Kind;
            set({ kind, settings: initialSettings(kind, catalog) });
          }}>
            {Object.entries(KIND_LABELS).map(([k, label]) => <option key={k} value={k}>{label}</option>)}
          </select>
        </div>
        <TextField label="Name" required value={v.name} onChange={(e) => set({ name: e.target.value })} error={fieldError('name')} />
      </div>

      {isRest(v.kind) && (
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="Base URL" placeholder="https://api.example.com/v1" value={String(v.settings.baseUrl ?? '')} onChange={(e) => setSettings({ baseUrl: e.target.value })} error={fieldError('baseUrl')} />
          <TextField label="Test path" hint="Requested by “Test connection”, relative to the base URL" value={String(v.settings.healthPath ?? '')} onChange={(e) => setSettings({ healthPath: e.target.value })} />
          <div className="space-y-1">
            <label htmlFor="conn-auth" className="block text-sm font-medium text-slate-700">Authentication</label>
            <select id="conn-auth" className={select} value={auth.type} onChange={(e) => setSettings({ auth: { type: e.target.value } })}>
              <option value="none">None</option>
              <option value="apiKey">API key header</option>
              <option value="bearer">Bearer token</option>
              <option value="basic">Basic (user + password)</option>
              <option value="oauth2">OAuth2 client credentials</option>
            </select>
          </div>
          {auth.type === 'apiKey' && <TextField label="Header name" placeholder="X-Api-Key" value={auth.headerName ?? ''} onChange={(e) => setAuth({ headerName: e.target.value })} error={fieldError('auth.headerName')} />}
          {auth.type === 'basic' && <TextField label="User name" value={auth.username ?? ''} onChange={(e) => setAuth({ username: e.target.value })} error={fieldError('auth.username')} />}
          {auth.type === 'oauth2' && (
            <>
              <TextField label="Token URL" value={auth.tokenUrl ?? ''} onChange={(e) => setAuth({ tokenUrl: e.target.value })} error={fieldError('auth.tokenUrl')} />
              <TextField label="Client id" value={auth.clientId ?? ''} onChange={(e) => setAuth({ clientId: e.target.value })} error={fieldError('auth.clientId')} />
              <TextField label="Scope" value={auth.scope ?? ''} onChange={(e) => setAuth({ scope: e.target.value })} />
            </>
          )}
        </div>
      )}
      {v.kind === 'connector' && (
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="space-y-1">
            <label htmlFor="conn-system" className="block text-sm font-medium text-slate-700">System</label>
            <select id="conn-system" className={select} value={String(v.settings.connector ?? '')} disabled={Boolean(v.id)} onChange={(e) => setSettings({ connector: e.target.value, authMethod: '', params: {}, definition: e.target.value === CUSTOM_REST ? emptyDefinition() : undefined })}>
              {catalog.map((c) => <option key={c.id} value={c.id}>{c.label}</option>)}
              <option value={CUSTOM_REST}>Custom REST API (define it here or import OpenAPI)</option>
            </select>
          </div>
          {v.settings.connector === CUSTOM_REST && (
            <div className="sm:col-span-2">
              <CustomRestEditor definition={v.settings.definition as CustomDefinition} allowPrivateNetwork={v.allowPrivateNetwork} onChange={(definition) => setSettings({ definition })} />
            </div>
          )}
          {system && system.auth.length > 1 && (
            <div className="space-y-1">
              <label htmlFor="conn-signin" className="block text-sm font-medium text-slate-700">Sign in with</label>
              <select id="conn-signin" className={select} value={systemAuth?.id ?? ''} onChange={(e) => setSettings({ authMethod: e.target.value })}>
                {system.auth.map((a) => <option key={a.id} value={a.id}>{a.label}</option>)}
              </select>
            </div>
          )}
          {system?.params.map((p) => (
            <TextField key={p.name} label={p.label} placeholder={p.example} hint={p.help} value={params[p.name] ?? ''} required={!p.optional}
              onChange={(e) => setSettings({ params: { ...params, [p.name]: e.target.value } })} error={fieldError(`params.${p.name}`)} />
          ))}
          {v.settings.connector !== CUSTOM_REST && <TextField label="Other base URL" hint="Only for a sandbox or a proxy; empty uses the system’s own address" value={String(v.settings.baseUrl ?? '')} onChange={(e) => setSettings({ baseUrl: e.target.value })} error={fieldError('baseUrl')} />}
          {oauth && (
            <>
              <TextField label="Other sign-in page" hint="Only for a sandbox or a test server; empty uses the system’s own" value={String(v.settings.authorizeUrl ?? '')} onChange={(e) => setSettings({ authorizeUrl: e.target.value })} error={fieldError('authorizeUrl')} />
              <TextField label="Other token URL" hint="Only for a sandbox or a test server; empty uses the system’s own" value={String(v.settings.tokenUrl ?? '')} onChange={(e) => setSettings({ tokenUrl: e.target.value })} error={fieldError('tokenUrl')} />
            </>
          )}
        </div>
      )}
      {v.kind === 'mysql' && (
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="Host" placeholder="db.example.com" value={String(v.settings.host ?? '')} onChange={(e) => setSettings({ host: e.target.value })} error={fieldError('host')} />
          <TextField label="Port" type="number" value={String(v.settings.port ?? 3306)} onChange={(e) => setSettings({ port: e.target.value })} error={fieldError('port')} />
          <TextField label="Database" value={String(v.settings.database ?? '')} onChange={(e) => setSettings({ database: e.target.value })} error={fieldError('database')} />
          <TextField label="User" autoComplete="off" value={String(v.settings.user ?? '')} onChange={(e) => setSettings({ user: e.target.value })} error={fieldError('user')} />
          <div className="space-y-1">
            <label htmlFor="conn-tls" className="block text-sm font-medium text-slate-700">TLS</label>
            <select id="conn-tls" className={select} value={String(v.settings.tls ?? 'verified')} onChange={(e) => setSettings({ tls: e.target.value })}>
              <option value="verified">Encrypted, certificate checked</option>
              <option value="required">Encrypted, certificate not checked</option>
              <option value="off">Off (only inside your network)</option>
            </select>
          </div>
        </div>
      )}
      {isPg(v.kind) && <TextField label="Schema" value={String(v.settings.schema ?? 'public')} onChange={(e) => setSettings({ schema: e.target.value })} error={fieldError('schema')} />}

      {secretLabel && (
        <div className="rounded-md bg-slate-50 p-3">
          {replacing ? (
            <TextField label={secretLabel} type="password" autoComplete="new-password" value={secret} onChange={(e) => setSecret(e.target.value)} error={fieldError('secret')}
              hint={isPg(v.kind) ? 'postgres://user:password@host:5432/database — stored encrypted, never shown again' : v.kind === 'mysql' ? 'Stored encrypted, never shown again; only ever sent to the host, port and user above' : 'Stored encrypted, never shown again'} />
          ) : (
            <div className="flex items-center justify-between text-sm">
              <span><span className="font-medium text-slate-700">{secretLabel}:</span> <span data-testid="secret-status" className="rounded bg-emerald-100 px-2 py-0.5 text-emerald-800">set</span></span>
              <Button variant="secondary" onClick={() => setReplacing(true)}>Replace</Button>
            </div>
          )}
        </div>
      )}

      {oauth && (
        <SignInSection signIn={initial.signIn ?? null} saved={Boolean(initial.id)} redirectUrl={signInRedirectUrl} busy={connecting}
          onConnect={() => initial.id && onConnect?.(initial.id)} />
      )}

      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Integration identity" hint="The user or account id Syncline acts as in this system (loop prevention)" value={v.integrationIdentity} onChange={(e) => set({ integrationIdentity: e.target.value })} />
        <TextField label="Owner" value={v.owner} onChange={(e) => set({ owner: e.target.value })} />
        <TextField label="Scopes" hint="Comma-separated" value={v.scopes.join(', ')} onChange={(e) => set({ scopes: e.target.value.split(',').map((s) => s.trim()).filter(Boolean) })} />
        <TextField label="Credential expires on" type="date" value={v.credentialExpiresAt ? v.credentialExpiresAt.toISOString().slice(0, 10) : ''}
          onChange={(e) => set({ credentialExpiresAt: e.target.value ? new Date(`${e.target.value}T00:00:00Z`) : null })} />
      </div>
      <TextField label="Description" value={v.description} onChange={(e) => set({ description: e.target.value })} />
      {v.kind !== 'webhook' && (
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" checked={v.allowPrivateNetwork} onChange={(e) => set({ allowPrivateNetwork: e.target.checked })} />
          Allow private and loopback network addresses (only for systems inside your network)
        </label>
      )}
      {error && <p className="text-sm text-red-600" role="alert">{error}</p>}
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={onCancel}>Cancel</Button>
        <Button type="submit" disabled={busy}>{v.id ? 'Save changes' : 'Create connection'}</Button>
      </div>
    </form>
  );
}
