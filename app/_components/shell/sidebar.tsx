'use client';

import clsx from 'clsx';
import { Activity, ArrowLeftRight, DatabaseZap, GraduationCap, Plug, Settings, Workflow, type LucideIcon } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ShellSession } from '../../_server/session';
import { Logo } from '../logo';
import { UserMenu } from './user-menu';
import { WorkspaceSwitcher } from './workspace-switcher';

const NAVIGATION: { href: string; label: string; icon: LucideIcon }[] = [
  { href: '/flows', label: 'Flows', icon: Workflow },
  { href: '/runs', label: 'Runs', icon: Activity },
  { href: '/connections', label: 'Connections', icon: Plug },
  { href: '/mappings', label: 'Mappings', icon: ArrowLeftRight },
  { href: '/bulk', label: 'Bulk', icon: DatabaseZap },
  { href: '/settings', label: 'Settings', icon: Settings },
  { href: '/learn', label: 'Learn', icon: GraduationCap },
];

export function Sidebar({ session }: { session: ShellSession }) {
  const pathname = usePathname();
  return (
    <aside className="flex w-60 shrink-0 flex-col bg-slate-900 text-slate-300">
      <div className="px-5 pt-5 pb-4">
        <Logo inverted />
      </div>
      <div className="px-3">
        <WorkspaceSwitcher workspaces={session.workspaces} currentId={session.current.id} />
      </div>
      <nav aria-label="Main" className="mt-6 flex-1 space-y-1 px-3">
        {NAVIGATION.map(({ href, label, icon: Icon }) => {
          const active = pathname === href || pathname.startsWith(`${href}/`);
          return (
            <Link
              key={href}
              href={href}
              aria-current={active ? 'page' : undefined}
              className={clsx(
                'flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium',
                active ? 'bg-slate-800 text-white' : 'hover:bg-slate-800/60 hover:text-white',
              )}
            >
              <Icon size={18} aria-hidden="true" />
              {label}
            </Link>
          );
        })}
      </nav>
      <div className="border-t border-slate-800 p-3">
        <UserMenu user={session.user} role={session.current.role} />
      </div>
    </aside>
  );
}
