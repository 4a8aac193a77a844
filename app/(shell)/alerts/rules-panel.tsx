'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../_components/button';
import { useTRPC } from '../../_lib/trpc/react';
import { describeRule } from './alert-format';
import { closeForm } from './draft-form';
import { EditDeleteCell, Panel, PanelEmpty, PanelTable } from './panel';
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
    <Panel
      title="Rules"
      description="Checked every 20 seconds, and at once when a run fails."
      action={
        editing === null && (
          <Button className="shrink-0" onClick={() => setEditing('new')}>
            New rule
          </Button>
        )
      }
    >
      {editing !== null && (
        <RuleForm initial={editing === 'new' ? null : editing} channels={setup.data?.channels ?? []} onDone={closeForm(() => setEditing(null), 'Rule saved', refresh)} />
      )}
      {setup.data?.rules.length === 0 ? (
        editing === null && <PanelEmpty>No rules yet. Start with “A run failed” for all flows.</PanelEmpty>
      ) : (
        <PanelTable columns={['Rule', 'Flows', 'Sends to', 'On']} actions>
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
              <EditDeleteCell
                onEdit={() => setEditing(ruleInput(rule))}
                confirm={{
                  title: 'Delete this alert rule?',
                  message: `“${rule.name}” stops watching your runs, and its open incidents close without a message.`,
                  confirmLabel: 'Delete rule',
                }}
                onDelete={() => remove.mutate({ id: rule.id })}
              />
            </tr>
          ))}
        </PanelTable>
      )}
    </Panel>
  );
}

/** The rule's editable fields (the row also carries names to show). */
function ruleInput(rule: RuleDraft & { id: string }): RuleDraft & { id: string } {
  const { id, name, flowId, condition, threshold, windowMinutes, notifyInApp, enabled, channelIds } = rule;
  return { id, name, flowId, condition, threshold, windowMinutes, notifyInApp, enabled, channelIds };
}
