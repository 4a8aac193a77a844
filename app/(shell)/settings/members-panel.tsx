'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '../../_components/button';
import { useConfirmDialog } from '../../_components/confirm-dialog';
import { TextField } from '../../_components/text-field';
import { useTRPC } from '../../_lib/trpc/react';

const ROLE_HELP = {
  admin: 'Everything, plus connections, members and mappings',
  analyst: 'Builds, tests and publishes flows',
  viewer: 'Sees flows and runs, retries failed runs',
} as const;
type Role = keyof typeof ROLE_HELP;

export function MembersPanel({ canManage, currentUserId }: { canManage: boolean; currentUserId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const members = useQuery(trpc.members.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.members.list.queryKey() });
  const changeRole = useMutation(trpc.members.changeRole.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.members.remove.mutationOptions({ onSuccess: refresh }));
  const confirm = useConfirmDialog();

  return (
    <section className="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
      <header className="border-b border-slate-200 px-6 py-4">
        <h2 className="text-base font-semibold text-slate-900">Members</h2>
        <p className="text-sm text-slate-600">
          {Object.entries(ROLE_HELP)
            .map(([role, help]) => `${role}: ${help.toLowerCase()}`)
            .join(' · ')}
        </p>
      </header>
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
          <tr>
            <th className="px-6 py-2 font-medium">Name</th>
            <th className="px-6 py-2 font-medium">Email</th>
            <th className="px-6 py-2 font-medium">Role</th>
            {canManage && <th className="px-6 py-2" aria-label="Actions" />}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {members.data?.map((member) => (
            <tr key={member.userId}>
              <td className="px-6 py-3 font-medium text-slate-900">{member.name}</td>
              <td className="px-6 py-3 text-slate-600">{member.email}</td>
              <td className="px-6 py-3">
                {canManage ? (
                  <select
                    aria-label={`Role of ${member.name}`}
                    value={member.role}
                    onChange={(e) => changeRole.mutate({ userId: member.userId, role: e.target.value as Role })}
                    className="rounded-md border-0 py-1 pr-8 pl-2 text-sm ring-1 ring-slate-300"
                  >
                    {Object.keys(ROLE_HELP).map((role) => (
                      <option key={role}>{role}</option>
                    ))}
                  </select>
                ) : (
                  member.role
                )}
              </td>
              {canManage && (
                <td className="px-6 py-3 text-right">
                  {member.userId !== currentUserId && (
                    <Button
                      variant="ghost"
                      onClick={() =>
                        confirm.ask({
                          title: 'Remove this member?',
                          message: `${member.name} (${member.email}) loses access to this workspace at once. Their account stays, and you can invite them again.`,
                          confirmLabel: 'Remove member',
                          onConfirm: () => remove.mutate({ userId: member.userId }),
                        })
                      }
                    >
                      Remove
                    </Button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {canManage && <Invitations />}
      {confirm.dialog}
    </section>
  );
}

/** Open invitations with their links, and the form that invites someone (they join only by accepting). */
function Invitations() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pending = useQuery(trpc.members.invitations.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.members.invitations.queryKey() });
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const revoke = useMutation(trpc.members.revokeInvitation.mutationOptions({ onSuccess: refresh }));
  return (
    <div className="border-t border-slate-200">
      <InviteMemberForm
        onInvited={async (email, invitePath) => {
          setLink({ email, url: `${window.location.origin}${invitePath}` });
          await refresh();
        }}
      />
      {link && (
        <div role="status" className="mx-6 mb-5 space-y-2 rounded-md bg-brand-50 px-4 py-3 text-sm text-slate-700">
          <p>
            {link.email} sees the invitation after signing in (or signing up) with that address. You can also send them this link;
            it is shown only now and works for 7 days:
          </p>
          <input aria-label="Invitation link" readOnly value={link.url} onFocus={(e) => e.currentTarget.select()} className="block w-full rounded-md border-0 px-3 py-2 font-mono text-xs ring-1 ring-slate-300" />
        </div>
      )}
      {pending.data && pending.data.length > 0 && (
        <table className="w-full text-left text-sm" aria-label="Open invitations">
          <thead className="bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
            <tr>
              <th className="px-6 py-2 font-medium">Invited</th>
              <th className="px-6 py-2 font-medium">Role</th>
              <th className="px-6 py-2 font-medium">Expires</th>
              <th className="px-6 py-2" aria-label="Actions" />
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {pending.data.map((invitation) => (
              <tr key={invitation.id}>
                <td className="px-6 py-3 text-slate-600">{invitation.email}</td>
                <td className="px-6 py-3">{invitation.role}</td>
                <td className="px-6 py-3 text-slate-600">
                  {invitation.expiresAt.getTime() < Date.now() ? 'expired: invite again' : invitation.expiresAt.toLocaleDateString()}
                </td>
                <td className="px-6 py-3 text-right">
                  <Button variant="ghost" onClick={() => revoke.mutate({ invitationId: invitation.id })}>
                    Revoke
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function InviteMemberForm({ onInvited }: { onInvited: (email: string, invitePath: string) => Promise<void> }) {
  const trpc = useTRPC();
  const [role, setRole] = useState<Role>('analyst');
  const formRef = useRef<HTMLFormElement>(null);
  const invite = useMutation(
    trpc.members.invite.mutationOptions({
      onSuccess: async (invited) => {
        toast.success(`Invitation for ${invited.email} created.`);
        formRef.current?.reset();
        await onInvited(invited.email, invited.invitePath);
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    invite.mutate({ email: String(form.get('email')), role });
  }
  return (
    <form ref={formRef} onSubmit={onSubmit} className="grid gap-4 px-6 py-5 md:grid-cols-4 md:items-start">
      <div className="md:col-span-2">
        <TextField label="Email" name="email" type="email" required hint="They join only after accepting the invitation." />
      </div>
      <div className="space-y-1">
        <label htmlFor="new-member-role" className="block text-sm font-medium text-slate-700">
          Role
        </label>
        <select
          id="new-member-role"
          value={role}
          onChange={(e) => setRole(e.target.value as Role)}
          className="block w-full rounded-md border-0 py-2 pl-3 text-sm ring-1 ring-slate-300"
        >
          {Object.keys(ROLE_HELP).map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </div>
      <div className="md:pt-6">
        <Button type="submit" disabled={invite.isPending} className="w-full">
          Invite
        </Button>
      </div>
    </form>
  );
}
