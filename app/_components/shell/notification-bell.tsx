'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import clsx from 'clsx';
import { Bell, CheckCheck, CircleAlert, CircleCheck } from 'lucide-react';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { useTRPC } from '../../_lib/trpc/react';

/** The alert bell: unread count, the latest notifications, mark read. Everyone in the workspace sees it. */
export function NotificationBell() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  const notifications = useQuery(trpc.alerts.notifications.queryOptions(undefined, { refetchInterval: 30_000 }));
  const markRead = useMutation(
    trpc.alerts.markRead.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.alerts.notifications.queryKey() }) }),
  );
  const unread = notifications.data?.unread ?? 0;

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !panel.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  return (
    <div ref={panel} className="relative">
      <button
        type="button"
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        aria-label={unread > 0 ? `Notifications: ${unread} unread` : 'Notifications'}
        title="Notifications"
        className="relative rounded-md p-1.5 text-slate-400 hover:bg-slate-800 hover:text-white"
      >
        <Bell size={18} aria-hidden="true" />
        {unread > 0 && (
          <span data-testid="unread-count" className="absolute -top-0.5 -right-0.5 min-w-4 rounded-full bg-red-500 px-1 text-center text-[10px] leading-4 font-semibold text-white">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div role="dialog" aria-label="Notifications" className="absolute top-0 left-full z-50 ml-3 w-96 overflow-hidden rounded-xl bg-white text-slate-700 shadow-xl ring-1 ring-slate-200">
          <header className="flex items-center justify-between border-b border-slate-200 px-4 py-3">
            <h2 className="text-sm font-semibold text-slate-900">Notifications</h2>
            <button
              type="button"
              disabled={unread === 0 || markRead.isPending}
              onClick={() => markRead.mutate({ ids: 'all' })}
              className="inline-flex items-center gap-1 text-xs font-medium text-brand-700 hover:underline disabled:text-slate-400 disabled:no-underline"
            >
              <CheckCheck size={14} aria-hidden="true" /> Mark all read
            </button>
          </header>
          <ul className="max-h-96 divide-y divide-slate-100 overflow-y-auto">
            {notifications.data?.items.length === 0 && <li className="px-4 py-6 text-center text-sm text-slate-500">No alerts yet. Rules are set up under Alerts.</li>}
            {notifications.data?.items.map((n) => (
              <li key={n.id} className={clsx('flex gap-3 px-4 py-3', !n.read && 'bg-brand-50/60')}>
                {n.event === 'firing' ? (
                  <CircleAlert size={16} className="mt-0.5 shrink-0 text-red-600" aria-label="Firing" />
                ) : (
                  <CircleCheck size={16} className="mt-0.5 shrink-0 text-emerald-600" aria-label="Resolved" />
                )}
                <div className="min-w-0 flex-1">
                  <p className={clsx('text-sm', n.read ? 'text-slate-700' : 'font-semibold text-slate-900')}>{n.title}</p>
                  <p className="mt-0.5 line-clamp-2 text-xs text-slate-600">{n.body}</p>
                  <p className="mt-1 text-xs text-slate-400">
                    <time dateTime={new Date(n.createdAt).toISOString()}>{new Date(n.createdAt).toLocaleString()}</time>
                  </p>
                </div>
                {!n.read && (
                  <button type="button" onClick={() => markRead.mutate({ ids: [n.id] })} className="self-start text-xs font-medium text-brand-700 hover:underline">
                    Mark read
                  </button>
                )}
              </li>
            ))}
          </ul>
          <footer className="border-t border-slate-200 px-4 py-2 text-right">
            <Link href="/alerts" onClick={() => setOpen(false)} className="text-xs font-medium text-brand-700 hover:underline">
              All incidents and rules →
            </Link>
          </footer>
        </div>
      )}
    </div>
  );
}
