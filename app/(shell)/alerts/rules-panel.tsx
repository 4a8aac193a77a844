'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import type { AlertCondition } from '../../../db/schema';
import { Button } from '../../_components/button';
import { useTRPC } from '../../_lib/trpc/react';
import { describeRule } from './alert-format';
import { RuleForm, type RuleDraft } from './rule-form';

export function RulesPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const setup = useQuery(trpc.alerts.setup.queryOptions());
  const [editing, setEditing] = useState<RuleDraft | 'new' | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.alerts.pathKey() });
  const remove = useMutation(trpc.alerts.deleteRule.mutationOptions({ onSuccess: refresh }));
  const toggle = useMutation(trpc.alerts.updateRule.mutationOptions({ onSuccess: refresh }));
  const channelName = new Map(setup.data?.channels.map((c) => [c.id, c.name]));

  return (
    <section className="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
      <header className="flex items-start justify-between gap-4 border-b border-slate-200 px-6 py-4">
        <div>
          <h2 className="text-base font-semibold text-slate-900">Rules</h2>
          <p className="text-sm text-slate-600">Checked every 20 seconds, and at once when a run fails.</p>
        </div>
        {editing === null && (
          <Button className="shrink-0" onClick={() => setEditing('new')}>
            New rule
          </Button>
        )}
      </header>
      {editing !== null && (
        <RuleForm
          initial={editing === 'new' ? null : editing}
          channels={setup.data?.channels ?? []}
          onDone={async (saved) => {
            setEditing(null);
            if (saved) {
              toast.success('Rule saved');
              await refresh();
            }
          }}
        />
      )}
      {setup.data?.rules.length === 0 ? (
        editing === null && <p className="px-6 py-6 text-sm text-slate-500">No rules yet. Start with “A run failed” for all flows.</p>
      ) : (
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
            <tr>
              <th className="px-6 py-2 font-medium">Rule</th>
              <th className="px-6 py-2 font-medium">Flows</th>
              <th className="px-6 py-2 font-medium">Sends to</th>
              <th className="px-6 py-2 font-medium">On</th>
              <th className="px-6 py-2" aria-label="Actions" />
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {setup.data?.rules.map((rule) => (
              <tr key={rule.id}>
                <td className="px-6 py-3 font-medium text-slate-900">
                  {rule.name}
                  <span className="block text-xs font-normal text-slate-500">{describeRule(rule)}</span>
                </td>
                <td className="px-6 py-3 text-slate-700">{rule.flowName ?? 'All flows'}</td>
                <td className="px-6 py-3 text-slate-700">
                  {[...(rule.notifyInApp ? ['Bell'] : []), ...rule.channelIds.map((id) => channelName.get(id) ?? '?')].join(', ')}
                </td>
                <td className="px-6 py-3">
                  <input
                    type="checkbox"
                    aria-label={`Rule ${rule.name} enabled`}
                    checked={rule.enabled}
                    onChange={(e) => toggle.mutate({ ...ruleInput(rule), enabled: e.target.checked })}
                    className="h-4 w-4 rounded border-slate-300 text-brand-600"
                  />
                </td>
                <td className="px-6 py-3 text-right whitespace-nowrap">
                  <Button variant="ghost" onClick={() => setEditing(ruleInput(rule))}>
                    Edit
                  </Button>
                  <Button
                    variant="ghost"
                    onClick={() => {
                      if (window.confirm(`Delete the rule “${rule.name}”? Its open incidents close without a message.`)) remove.mutate({ id: rule.id });
                    }}
                  >
                    Delete
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ruleInput(rule: {
  id: string;
  name: string;
  flowId: string | null;
  condition: AlertCondition;
  threshold: number;
  windowMinutes: number;
  notifyInApp: boolean;
  enabled: boolean;
  channelIds: string[];
}): RuleDraft & { id: string } {
  const { id, name, flowId, condition, threshold, windowMinutes, notifyInApp, enabled, channelIds } = rule;
  return { id, name, flowId, condition, threshold, windowMinutes, notifyInApp, enabled, channelIds };
}
