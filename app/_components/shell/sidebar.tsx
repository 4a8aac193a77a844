'use client';

import clsx from 'clsx';
import { Activity, ArrowLeftRight, DatabaseZap, GraduationCap, History, LayoutDashboard, Plug, Settings, Siren, Workflow, type LucideIcon } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import type { ShellSession } from '../../_server/session';
import { Logo } from '../logo';
import { NotificationBell } from './notification-bell';
import { UserMenu } from './user-menu';
import { WorkspaceSwitcher } from './workspace-switcher';

const NAVIGATION: { href: string; label: string; icon: LucideIcon }[] = [
  { href: '/dashboard', label: 'Dashboard', icon: LayoutDashboard },
  { href: '/flows', label: 'Flows', icon: Workflow },
  { href: '/runs', label: 'Runs', icon: Activity },
  { href: '/lineage', label: 'Record lineage', icon: History },
  { href: '/connections', label: 'Connections', icon: Plug },
  { href: '/mappings', label: 'Mappings', icon: ArrowLeftRight },
  { href: '/alerts', label: 'Alerts', icon: Siren },
  { href: '/bulk', label: 'Bulk', icon: DatabaseZap },
  { href: '/settings', label: 'Settings', icon: Settings },
  { href: '/learn', label: 'Learn', icon: GraduationCap },
];

/** `help`: the Help menu, rendered above the user menu. */
export function Sidebar({ session, help }: { session: ShellSession; help?: ReactNode }) {
  const pathname = usePathname();
  return (
    <aside className="flex w-60 shrink-0 flex-col bg-slate-900 text-slate-300">
      <div className="flex items-center justify-between px-5 pt-5 pb-4">
        <Logo inverted />
        <NotificationBell />
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
        {help}
        <UserMenu user={session.user} role={session.current.role} />
      </div>
    </aside>
  );
}
