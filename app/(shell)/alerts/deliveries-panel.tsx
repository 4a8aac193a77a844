'use client';

import { useQuery } from '@tanstack/react-query';
import clsx from 'clsx';
import { useTRPC } from '../../_lib/trpc/react';
import { when } from './alert-format';
import { Panel, PanelEmpty, PanelTable } from './panel';

const STATUS_STYLE = {
  delivered: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  pending: 'bg-amber-50 text-amber-800 ring-amber-200',
  failed: 'bg-red-50 text-red-700 ring-red-200',
} as const;

/** Webhook deliveries, so a receiver that fails is seen (with its error) before anyone misses an alert. */
export function DeliveriesPanel() {
  const trpc = useTRPC();
  const deliveries = useQuery(trpc.alerts.deliveries.queryOptions(undefined, { refetchInterval: 30_000 }));
  return (
    <Panel title="Webhook deliveries" description="Failed sends are retried with growing pauses (10 s up to 30 min), 8 attempts in all.">
      {deliveries.data?.length === 0 ? (
        <PanelEmpty>Nothing sent yet.</PanelEmpty>
      ) : (
        <PanelTable columns={['Status', 'Message', 'Channel', 'Attempts', 'Last error / sent']}>
          {deliveries.data?.map((d) => (
            <tr key={d.id}>
              <td className="px-6 py-3">
                <span className={clsx('rounded-full px-2 py-0.5 text-xs font-medium ring-1', STATUS_STYLE[d.status])}>{d.status}</span>
              </td>
              <td className="px-6 py-3 text-slate-700">
                {d.title}
                <span className="block text-xs text-slate-500">{d.event}</span>
              </td>
              <td className="px-6 py-3 text-slate-700">{d.channelName}</td>
              <td className="px-6 py-3 text-slate-700">{d.attempts}</td>
              <td className="px-6 py-3 text-xs text-slate-600">
                {d.status === 'delivered' ? when(d.deliveredAt) : d.lastError}
                {d.status === 'pending' && d.attempts > 0 && <span className="block text-slate-400">next try {when(d.nextAttemptAt)}</span>}
              </td>
            </tr>
          ))}
        </PanelTable>
      )}
    </Panel>
  );
}
