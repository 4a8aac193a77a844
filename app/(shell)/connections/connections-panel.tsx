'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AlertTriangle, Plug } from 'lucide-react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { toast } from 'sonner';
import { Button } from '../../_components/button';
import { useConfirmDialog } from '../../_components/confirm-dialog';
import { EmptyState } from '../../_components/empty-state';
import { useTRPC } from '../../_lib/trpc/react';
import { ConnectionForm, KIND_LABELS, type ConnectionDraft, type ConnectionSubmit, type Kind } from './connection-form';
import { CUSTOM_REST } from './custom-rest-editor';
import { ConnectButton, SignInBadge, signsInWithOAuth } from './sign-in-status';

const NEW: ConnectionDraft = {
  kind: 'rest', name: '', integrationIdentity: '', owner: '', description: '', scopes: [], credentialExpiresAt: null,
  allowPrivateNetwork: false, settings: { baseUrl: '', auth: { type: 'none' } }, secretSet: false,
};

function Health({ ok, at, error }: { ok: boolean | null; at: Date | null; error: string | null }) {
  if (ok === null || !at) return <span className="text-slate-400">not checked yet</span>;
  return (
    <span title={error ?? undefined} className={ok ? 'text-emerald-700' : 'text-red-700'}>
      {ok ? 'healthy' : 'failing'} · {at.toLocaleString()}
      {!ok && error && <span className="block max-w-56 truncate text-xs">{error}</span>}
    </span>
  );
}

export function ConnectionsPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.connections.list.queryOptions());
  const catalog = useQuery(trpc.connections.catalog.queryOptions());
  const [editing, setEditing] = useState<ConnectionDraft | null>(null);
  const [formError, setFormError] = useState<string>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.connections.list.queryKey() });
  const onError = (e: { message: string }) => setFormError(e.message);
  const done = (what: string) => () => {
    toast.success(what);
    setEditing(null);
    setFormError(undefined);
    void refresh();
  };
  const create = useMutation(trpc.connections.create.mutationOptions({ onSuccess: done('Connection created'), onError }));
  const update = useMutation(trpc.connections.update.mutationOptions({ onSuccess: done('Connection saved'), onError }));
  const test = useMutation(
    trpc.connections.test.mutationOptions({
      onSuccess: (r) => {
        if (r.ok) toast.success(r.message);
        else toast.error(r.message);
        void refresh();
      },
    }),
  );
  // Connect / Reconnect: the browser goes to the system's sign-in page and comes back to ?connected= or ?signInError=.
  const signIn = useMutation(trpc.connections.startSignIn.mutationOptions({ onSuccess: ({ authorizeUrl }) => window.location.assign(authorizeUrl), onError: (e) => toast.error(e.message) }));
  const redirectUrl = useQuery({ ...trpc.connections.signInRedirectUrl.queryOptions(), enabled: list.data?.role === 'admin' });
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const [signInError, setSignInError] = useState<string>();
  const connectedId = params.get('connected');
  const returnedError = params.get('signInError');
  useEffect(() => {
    if (!connectedId && !returnedError) return;
    if (connectedId) toast.success('Signed in: the connection is connected.');
    setSignInError(returnedError ?? undefined);
    router.replace(pathname);
  }, [connectedId, returnedError, router, pathname]);
  const retire = useMutation(trpc.connections.retire.mutationOptions({ onSuccess: done('Connection retired'), onError: (e) => toast.error(e.message) }));
  const confirm = useConfirmDialog();

  if (!list.data) return <p className="text-sm text-slate-500">Loading…</p>;
  const data = list.data;
  if (data.role !== 'admin') {
    return (
      <section className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <p className="mb-3 text-sm text-slate-600">Only admins manage connections and their credentials.</p>
        <ul className="list-disc pl-5 text-sm">{data.connections.map((c) => <li key={c.id}>{c.name}</li>)}</ul>
      </section>
    );
  }
  const expiring = data.connections.filter((c) => c.expiry === 'soon' || c.expiry === 'expired');
  const submit = (value: ConnectionSubmit) => (editing?.id ? update.mutate({ ...value, id: editing.id }) : create.mutate(value));

  const needReconnect = data.connections.filter((c) => c.signIn?.status === 'reconnect_needed');

  return (
    <div className="space-y-6">
      {signInError && (
        <div role="alert" className="rounded-lg bg-red-50 p-4 text-sm text-red-800 ring-1 ring-red-200">
          {signInError}
        </div>
      )}
      {needReconnect.length > 0 && (
        <div role="alert" className="flex gap-3 rounded-lg bg-red-50 p-4 text-sm text-red-900 ring-1 ring-red-200">
          <AlertTriangle className="size-5 shrink-0" aria-hidden />
          <div>
            {needReconnect.map((c) => (
              <p key={c.id}><strong>{c.name}</strong> needs to be reconnected: {c.signIn?.reason ?? 'its sign-in was revoked'}. Runs that use it fail until an admin clicks Reconnect.</p>
            ))}
          </div>
        </div>
      )}
      {expiring.length > 0 && (
        <div role="alert" className="flex gap-3 rounded-lg bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-amber-200">
          <AlertTriangle className="size-5 shrink-0" aria-hidden />
          <div>
            {expiring.map((c) => (
              <p key={c.id}>
                The credential of <strong>{c.name}</strong> {c.expiry === 'expired' ? 'has expired' : `expires in ${c.expiresInDays} day${c.expiresInDays === 1 ? '' : 's'}`}: rotate its secret before syncs start failing.
              </p>
            ))}
          </div>
        </div>
      )}
      {editing ? (
        <section className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <h2 className="mb-4 text-base font-semibold">{editing.id ? `Edit ${editing.name}` : 'New connection'}</h2>
          <ConnectionForm initial={editing} catalog={catalog.data ?? []} busy={create.isPending || update.isPending} error={formError} onSubmit={submit} onCancel={() => { setEditing(null); setFormError(undefined); }}
            signInRedirectUrl={redirectUrl.data} connecting={signIn.isPending} onConnect={(id) => signIn.mutate({ id })} />
        </section>
      ) : (
        <div className="flex justify-end">
          <Button onClick={() => setEditing(NEW)}>New connection</Button>
        </div>
      )}
      {data.connections.length === 0 ? (
        <EmptyState icon={Plug} title="No connections yet">Add a connection for each system to sync: a REST API, a PostgreSQL database or an inbound webhook source.</EmptyState>
      ) : (
        <table className="w-full rounded-xl bg-white text-left text-sm shadow-sm ring-1 ring-slate-200">
          <thead className="bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
            <tr><th className="px-4 py-2">Name</th><th className="px-4 py-2">Kind</th><th className="px-4 py-2">Identity</th><th className="px-4 py-2">Secret</th><th className="px-4 py-2">Health</th><th className="px-4 py-2" aria-label="Actions" /></tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {data.connections.map((c) => (
              <tr key={c.id} data-testid={`connection-${c.name}`}>
                <td className="px-4 py-3 font-medium text-slate-900">{c.name}<span className="block text-xs font-normal text-slate-500">{c.description}</span></td>
                <td className="px-4 py-3">{c.kind === 'connector' ? (catalog.data?.find((s) => s.id === c.settings.connector)?.label ?? (c.settings.connector === CUSTOM_REST ? 'Custom REST API' : 'Known system')) : KIND_LABELS[c.kind as Kind]}</td>
                <td className="px-4 py-3 font-mono text-xs">{c.integrationIdentity || '—'}</td>
                <td className="px-4 py-3">
                  {c.secretSet ? <span className="rounded bg-emerald-100 px-2 py-0.5 text-emerald-800">set</span> : <span className="text-slate-400">none</span>}
                  {signsInWithOAuth(catalog.data, c.kind, c.settings) && <span className="mt-1 block"><SignInBadge signIn={c.signIn} /></span>}
                </td>
                <td className="px-4 py-3"><Health ok={c.lastCheckOk} at={c.lastCheckedAt} error={c.lastCheckError} /></td>
                <td className="space-x-1 px-4 py-3 text-right whitespace-nowrap">
                  {signsInWithOAuth(catalog.data, c.kind, c.settings) && <ConnectButton signIn={c.signIn} busy={signIn.isPending} onConnect={() => signIn.mutate({ id: c.id })} />}
                  <Button variant="secondary" disabled={test.isPending} onClick={() => test.mutate({ id: c.id })}>Test</Button>
                  <Button variant="ghost" onClick={() => { setFormError(undefined); setEditing({ ...c, kind: c.kind as Kind, settings: c.settings }); }}>Edit</Button>
                  <Button
                    variant="ghost"
                    onClick={() =>
                      confirm.ask({
                        title: 'Retire this connection?',
                        message: `“${c.name}” and its stored secret are deleted, and so are its record mappings (which record is which in each system), so a later sync may create those records again. This cannot be undone.`,
                        confirmLabel: 'Retire connection',
                        onConfirm: () => retire.mutate({ id: c.id }),
                      })
                    }
                  >
                    Retire
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {confirm.dialog}
    </div>
  );
}
