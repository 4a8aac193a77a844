'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../../_lib/trpc/react';
import { describeAuditAction, describeAuditDetails } from './audit-format';

type Target = 'connection' | 'mapping' | 'user' | 'flow' | 'alert_rule' | 'alert_channel' | 'workspace';

/** Who did what, newest first (admins only; the API refuses everyone else). */
export function AuditPanel() {
  const trpc = useTRPC();
  const [targetType, setTargetType] = useState<Target | undefined>();
  const audit = useQuery(trpc.audit.list.queryOptions({ targetType, limit: 100 }));
  return (
    <section className="mt-8 rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
      <header className="flex items-center justify-between border-b border-slate-200 px-6 py-4">
        <div>
          <h2 className="text-base font-semibold text-slate-900">Audit log</h2>
          <p className="text-sm text-slate-600">Who created, changed, rotated or deleted connections, mappings, members, alerts and retention, and when.</p>
        </div>
        <select aria-label="Show" className="rounded-md border-0 py-1 pr-8 pl-2 text-sm ring-1 ring-slate-300" value={targetType ?? ''} onChange={(e) => setTargetType((e.target.value || undefined) as Target | undefined)}>
          <option value="">Everything</option>
          <option value="connection">Connections</option>
          <option value="mapping">Mappings</option>
          <option value="user">Members</option>
          <option value="flow">Flows</option>
          <option value="alert_rule">Alert rules</option>
          <option value="alert_channel">Alert channels</option>
          <option value="workspace">Workspace settings</option>
        </select>
      </header>
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
          <tr><th className="px-6 py-2">When</th><th className="px-6 py-2">Who</th><th className="px-6 py-2">What</th><th className="px-6 py-2">Details</th></tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {audit.data?.entries.map((e) => (
            <tr key={e.id}>
              <td className="px-6 py-2 whitespace-nowrap text-slate-600">{e.at.toLocaleString()}</td>
              <td className="px-6 py-2">{e.actorName ?? 'a removed user'}</td>
              <td className="px-6 py-2" title={e.action}>{describeAuditAction(e.action)}</td>
              <td className="max-w-md truncate px-6 py-2 text-xs text-slate-500" title={describeAuditDetails(e.details)}>{describeAuditDetails(e.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {audit.data?.entries.length === 0 && <p className="px-6 py-4 text-sm text-slate-500">Nothing recorded yet.</p>}
    </section>
  );
}
