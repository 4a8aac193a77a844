'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import type { AlertCondition } from '../../../db/schema';
import { TextField } from '../../_components/text-field';
import { useTRPC } from '../../_lib/trpc/react';
import { CONDITION_ORDER, CONDITIONS } from './alert-format';
import { FormActions, useDraftForm } from './draft-form';

export interface RuleDraft {
  id?: string;
  name: string;
  flowId: string | null;
  condition: AlertCondition;
  threshold: number;
  windowMinutes: number;
  notifyInApp: boolean;
  enabled: boolean;
  channelIds: string[];
}

const NEW_RULE: RuleDraft = { name: '', flowId: null, condition: 'run_failed', threshold: 3, windowMinutes: 60, notifyInApp: true, enabled: true, channelIds: [] };

/** Create or edit a rule; the numbers shown depend on the condition. Server messages name the field. */
export function RuleForm({ initial, channels, onDone }: { initial: RuleDraft | null; channels: { id: string; name: string }[]; onDone: (saved: boolean) => Promise<void> }) {
  const trpc = useTRPC();
  const flows = useQuery(trpc.flows.list.queryOptions());
  const { draft, set, error, fieldError, otherError, mutationOptions, submitWith } = useDraftForm<RuleDraft>(initial ?? NEW_RULE, onDone);
  const create = useMutation(trpc.alerts.createRule.mutationOptions(mutationOptions));
  const update = useMutation(trpc.alerts.updateRule.mutationOptions(mutationOptions));
  const meta = CONDITIONS[draft.condition];

  return (
    <form onSubmit={submitWith(create.mutate, update.mutate)} aria-label={draft.id ? 'Edit alert rule' : 'New alert rule'} className="space-y-5 border-b border-slate-200 bg-slate-50/60 px-6 py-5">
      <div className="grid gap-4 md:grid-cols-3">
        <TextField label="Name" value={draft.name} onChange={(e) => set({ name: e.target.value })} placeholder="Contact sync is failing" required error={fieldError('name')} />
        <div className="space-y-1">
          <label htmlFor="rule-flow" className="block text-sm font-medium text-slate-700">
            Applies to
          </label>
          <select id="rule-flow" value={draft.flowId ?? ''} onChange={(e) => set({ flowId: e.target.value || null })} className="block w-full rounded-md border-0 py-2 pl-3 text-sm ring-1 ring-slate-300">
            <option value="">All flows (each on its own)</option>
            {flows.data?.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="rule-condition" className="block text-sm font-medium text-slate-700">
            When
          </label>
          <select id="rule-condition" value={draft.condition} onChange={(e) => set({ condition: e.target.value as AlertCondition })} className="block w-full rounded-md border-0 py-2 pl-3 text-sm ring-1 ring-slate-300">
            {CONDITION_ORDER.map((c) => (
              <option key={c} value={c}>
                {CONDITIONS[c].label}
              </option>
            ))}
          </select>
          <p className="text-xs text-slate-500">{meta.help}</p>
        </div>
      </div>
      {(meta.threshold || meta.window) && (
        <div className="grid gap-4 md:grid-cols-3">
          {meta.threshold && (
            <TextField label={meta.threshold} type="number" min={0} value={draft.threshold} onChange={(e) => set({ threshold: Number(e.target.value) })} error={fieldError('threshold')} />
          )}
          {meta.window && (
            <TextField label={meta.window} type="number" min={1} value={draft.windowMinutes} onChange={(e) => set({ windowMinutes: Number(e.target.value) })} error={fieldError('windowMinutes')} />
          )}
        </div>
      )}
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Tell</legend>
        <div className="mt-2 flex flex-wrap gap-x-6 gap-y-2 text-sm text-slate-700">
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={draft.notifyInApp} onChange={(e) => set({ notifyInApp: e.target.checked })} className="h-4 w-4 rounded border-slate-300 text-brand-600" />
            The bell (everyone in the workspace)
          </label>
          {channels.map((c) => (
            <label key={c.id} className="flex items-center gap-2">
              <input
                type="checkbox"
                checked={draft.channelIds.includes(c.id)}
                onChange={(e) => set({ channelIds: e.target.checked ? [...draft.channelIds, c.id] : draft.channelIds.filter((id) => id !== c.id) })}
                className="h-4 w-4 rounded border-slate-300 text-brand-600"
              />
              Webhook “{c.name}”
            </label>
          ))}
          {channels.length === 0 && <span className="text-slate-500">Add a webhook channel below to send alerts elsewhere.</span>}
        </div>
        {fieldError('channelIds') && <p className="mt-1 text-xs text-red-600">{error}</p>}
      </fieldset>
      <FormActions
        error={otherError(['name', 'threshold', 'windowMinutes', 'channelIds'])}
        pending={create.isPending || update.isPending}
        saveLabel={draft.id ? 'Save rule' : 'Create rule'}
        onCancel={() => void onDone(false)}
      />
    </form>
  );
}
