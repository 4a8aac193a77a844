'use client';

import { LogOut } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { authClient } from '../../_lib/auth-client';
import type { ShellSession } from '../../_server/session';

export function UserMenu({ user, role }: { user: ShellSession['user']; role: ShellSession['current']['role'] }) {
  const router = useRouter();
  async function signOut() {
    await authClient.signOut();
    router.push('/sign-in');
    router.refresh();
  }
  return (
    <div className="flex items-center gap-3 px-2">
      <span className="flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-brand-600 text-sm font-semibold text-white" aria-hidden="true">
        {user.name.slice(0, 1).toUpperCase()}
      </span>
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium text-white" data-testid="current-user">
          {user.name}
        </p>
        <p className="truncate text-xs text-slate-400">
          {user.email} · <span data-testid="current-role">{role}</span>
        </p>
      </div>
      <button
        type="button"
        onClick={signOut}
        title="Sign out"
        aria-label="Sign out"
        className="rounded-md p-1.5 text-slate-400 hover:bg-slate-800 hover:text-white"
      >
        <LogOut size={16} aria-hidden="true" />
      </button>
    </div>
  );
}
