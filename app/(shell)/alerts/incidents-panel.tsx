'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../_lib/trpc/react';
import { CONDITIONS, when } from './alert-format';

export function IncidentsPanel() {
  const trpc = useTRPC();
  const incidents = useQuery(trpc.alerts.incidents.queryOptions(undefined, { refetchInterval: 30_000 }));
  return (
    <section className="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
      <header className="border-b border-slate-200 px-6 py-4">
        <h2 className="text-base font-semibold text-slate-900">Incidents</h2>
        <p className="text-sm text-slate-600">One incident per rule and flow while its condition holds; open ones first.</p>
      </header>
      {incidents.data?.length === 0 ? (
        <p className="px-6 py-6 text-sm text-slate-500">No alert has fired.</p>
      ) : (
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
            <tr>
              <th className="px-6 py-2 font-medium">State</th>
              <th className="px-6 py-2 font-medium">Rule</th>
              <th className="px-6 py-2 font-medium">Flow</th>
              <th className="px-6 py-2 font-medium">What</th>
              <th className="px-6 py-2 font-medium">Since</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
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
          </tbody>
        </table>
      )}
    </section>
  );
}
