'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { KeyRound } from 'lucide-react';
import { useState } from 'react';
import { Button } from '../../_components/button';
import { TextField } from '../../_components/text-field';
import { useTRPC } from '../../_lib/trpc/react';
import { closeForm, FormActions, useDraftForm } from './draft-form';
import { EditDeleteCell, Panel, PanelEmpty, PanelTable } from './panel';

interface ChannelDraft {
  id?: string;
  name: string;
  url: string;
  secret: string;
  allowPrivateNetwork: boolean;
}

/** 32 random bytes as hex, made in the browser so the person can copy it to the receiver; the server never sends it back. */
function randomSecret(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function ChannelsPanel({ isAdmin }: { isAdmin: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const setup = useQuery(trpc.alerts.setup.queryOptions());
  const [editing, setEditing] = useState<ChannelDraft | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.alerts.pathKey() });
  const remove = useMutation(trpc.alerts.deleteChannel.mutationOptions({ onSuccess: refresh }));

  return (
    <Panel
      title="Webhook channels"
      description={
        <>
          Each alert is POSTed as JSON with <code className="text-xs">X-Syncline-Timestamp</code> and{' '}
          <code className="text-xs">X-Syncline-Signature: sha256=HMAC-SHA256(secret, &quot;timestamp.body&quot;)</code>.
        </>
      }
      action={
        editing === null && (
          <Button className="shrink-0" onClick={() => setEditing({ name: '', url: '', secret: randomSecret(), allowPrivateNetwork: false })}>
            New channel
          </Button>
        )
      }
    >
      {editing && <ChannelForm initial={editing} isAdmin={isAdmin} onDone={closeForm(() => setEditing(null), 'Channel saved', refresh)} />}
      {setup.data?.channels.length === 0 ? (
        !editing && <PanelEmpty>No webhook channels. Alerts still reach the bell.</PanelEmpty>
      ) : (
        <PanelTable columns={['Name', 'URL', 'Secret']} actions>
          {setup.data?.channels.map((c) => (
            <tr key={c.id}>
              <td className="px-6 py-3 font-medium text-slate-900">{c.name}</td>
              <td className="max-w-xs truncate px-6 py-3 text-slate-600" title={c.url}>
                {c.url}
              </td>
              <td className="px-6 py-3 text-slate-600">
                <span className="inline-flex items-center gap-1">
                  <KeyRound size={14} aria-hidden="true" /> set
                </span>
              </td>
              <EditDeleteCell
                onEdit={() => setEditing({ id: c.id, name: c.name, url: c.url, secret: '', allowPrivateNetwork: c.allowPrivateNetwork })}
                confirm={{
                  title: 'Delete this channel?',
                  message: `“${c.name}” is deleted and alert rules stop sending to it.`,
                  confirmLabel: 'Delete channel',
                }}
                onDelete={() => remove.mutate({ id: c.id })}
              />
            </tr>
          ))}
        </PanelTable>
      )}
    </Panel>
  );
}

function ChannelForm({ initial, isAdmin, onDone }: { initial: ChannelDraft; isAdmin: boolean; onDone: (saved: boolean) => Promise<void> }) {
  const trpc = useTRPC();
  const { draft, set, fieldError, otherError, mutationOptions, submitWith } = useDraftForm(initial, onDone);
  const create = useMutation(trpc.alerts.createChannel.mutationOptions(mutationOptions));
  const update = useMutation(trpc.alerts.updateChannel.mutationOptions(mutationOptions));

  return (
    <form onSubmit={submitWith(create.mutate, update.mutate)} aria-label={draft.id ? 'Edit webhook channel' : 'New webhook channel'} className="space-y-4 border-b border-slate-200 bg-slate-50/60 px-6 py-5">
      <div className="grid gap-4 md:grid-cols-3">
        <TextField label="Name" value={draft.name} onChange={(e) => set({ name: e.target.value })} placeholder="On-call" required error={fieldError('name')} />
        <div className="md:col-span-2">
          <TextField label="URL" type="url" value={draft.url} onChange={(e) => set({ url: e.target.value })} placeholder="https://hooks.example.com/syncline" required error={fieldError('url')} />
        </div>
      </div>
      <div className="grid gap-4 md:grid-cols-3">
        <div className="md:col-span-2">
          <TextField
            label="Signing secret"
            value={draft.secret}
            onChange={(e) => set({ secret: e.target.value })}
            placeholder={draft.id ? 'Leave empty to keep the current secret' : ''}
            autoComplete="off"
            spellCheck={false}
            className="block w-full rounded-md border-0 px-3 py-2 font-mono text-xs text-slate-900 ring-1 ring-slate-300 ring-inset"
            hint={draft.id ? 'Stored encrypted; never shown again. Type a new one to replace it.' : 'Copy it to your receiver now: once saved it is stored encrypted and never shown again.'}
            error={fieldError('secret')}
          />
        </div>
        <div className="md:pt-6">
          <Button variant="secondary" onClick={() => set({ secret: randomSecret() })}>
            Generate a new secret
          </Button>
        </div>
      </div>
      {isAdmin && (
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" checked={draft.allowPrivateNetwork} onChange={(e) => set({ allowPrivateNetwork: e.target.checked })} className="h-4 w-4 rounded border-slate-300 text-brand-600" />
          Allow private network addresses (an internal receiver; admins only)
        </label>
      )}
      <FormActions
        error={otherError(['name', 'url', 'secret'])}
        pending={create.isPending || update.isPending}
        saveLabel={draft.id ? 'Save channel' : 'Create channel'}
        onCancel={() => void onDone(false)}
      />
    </form>
  );
}
