'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '../../_components/button';
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
                      onClick={() => {
                        if (window.confirm(`Remove ${member.name} from this workspace?`)) remove.mutate({ userId: member.userId });
                      }}
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
      {canManage && <AddMemberForm onAdded={refresh} />}
    </section>
  );
}

function AddMemberForm({ onAdded }: { onAdded: () => Promise<void> }) {
  const trpc = useTRPC();
  const [role, setRole] = useState<Role>('analyst');
  const formRef = useRef<HTMLFormElement>(null);
  const add = useMutation(
    trpc.members.add.mutationOptions({
      onSuccess: async (_, input) => {
        toast.success(`${input.email} can now sign in to this workspace.`);
        formRef.current?.reset();
        await onAdded();
      },
    }),
  );
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('initialPassword') ?? '');
    add.mutate({
      email: String(form.get('email')),
      name: String(form.get('name')),
      role,
      initialPassword: password === '' ? undefined : password,
    });
  }
  return (
    <form ref={formRef} onSubmit={onSubmit} className="grid gap-4 border-t border-slate-200 px-6 py-5 md:grid-cols-5 md:items-start">
      <TextField label="Name" name="name" required />
      <TextField label="Email" name="email" type="email" required />
      <TextField label="Initial password" name="initialPassword" type="password" hint="Only for new accounts" />
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
        <Button type="submit" disabled={add.isPending} className="w-full">
          Add member
        </Button>
      </div>
    </form>
  );
}
