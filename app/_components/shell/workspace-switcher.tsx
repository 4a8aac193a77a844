'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useId } from 'react';
import { useTRPC } from '../../_lib/trpc/react';
import type { ShellSession } from '../../_server/session';

/** Switching remembers the choice in a cookie on the server, then reloads every query for the new workspace. */
export function WorkspaceSwitcher({ workspaces, currentId }: { workspaces: ShellSession['workspaces']; currentId: string }) {
  const id = useId();
  const router = useRouter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const switchWorkspace = useMutation(
    trpc.workspaces.switch.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        router.refresh();
      },
    }),
  );
  return (
    <div>
      <label htmlFor={id} className="mb-1 block px-1 text-xs font-medium tracking-wide text-slate-400 uppercase">
        Workspace
      </label>
      <select
        id={id}
        value={currentId}
        disabled={switchWorkspace.isPending}
        onChange={(event) => switchWorkspace.mutate({ workspaceId: event.target.value })}
        title={workspaces.find((workspace) => workspace.id === currentId)?.name}
        // The native arrow sits inside the box already: a wide right padding only clipped the name.
        className="block w-full rounded-md border-0 bg-slate-800 py-2 pr-1 pl-2.5 text-sm text-white ring-1 ring-slate-700 focus:ring-2 focus:ring-brand-500"
      >
        {workspaces.map((workspace) => (
          <option key={workspace.id} value={workspace.id}>
            {workspace.name}
          </option>
        ))}
      </select>
      <Link href="/onboarding" className="mt-1 block px-1 text-xs text-slate-400 hover:text-white">
        + New workspace
      </Link>
    </div>
  );
}
