'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../_lib/trpc/react';
import { CONDITIONS, when } from './alert-format';
import { Panel, PanelEmpty, PanelTable } from './panel';

export function IncidentsPanel() {
  const trpc = useTRPC();
  const incidents = useQuery(trpc.alerts.incidents.queryOptions(undefined, { refetchInterval: 30_000 }));
  return (
    <Panel title="Incidents" description="One incident per rule and flow while its condition holds; open ones first.">
      {incidents.data?.length === 0 ? (
        <PanelEmpty>No alert has fired.</PanelEmpty>
      ) : (
        <PanelTable columns={['State', 'Rule', 'Flow', 'What', 'Since']}>
          {incidents.data?.map((i) => (
            <tr key={i.id}>
              <td className="px-6 py-3">
                {i.resolvedAt ? (
                  <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700 ring-1 ring-emerald-200">Resolved</span>
                ) : (
                  <span className="rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700 ring-1 ring-red-200">Firing</span>
                )}
              </td>
              <td className="px-6 py-3 font-medium text-slate-900">
                {i.ruleName}
                <span className="block text-xs font-normal text-slate-500">{CONDITIONS[i.condition].label}</span>
              </td>
              <td className="px-6 py-3 text-slate-700">{i.flowName ?? '—'}</td>
              <td className="px-6 py-3 text-slate-600">{i.summary}</td>
              <td className="px-6 py-3 whitespace-nowrap text-slate-600">
                {when(i.firedAt)}
                {i.resolvedAt && <span className="block text-xs text-slate-400">until {when(i.resolvedAt)}</span>}
              </td>
            </tr>
          ))}
        </PanelTable>
      )}
    </Panel>
  );
}
