'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '../../_components/button';
import { TextField } from '../../_components/text-field';
import { useTRPC } from '../../_lib/trpc/react';

/** How long run data is kept. Admins edit; everyone else reads what applies. */
export function RetentionPanel({ canManage }: { canManage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const retention = useQuery(trpc.retention.get.queryOptions());
  const [draft, setDraft] = useState({ sampleRetentionDays: 7, runRetentionDays: 30 });
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (retention.data) setDraft(retention.data);
  }, [retention.data]);
  const save = useMutation(
    trpc.retention.set.mutationOptions({
      meta: { silent: true },
      onSuccess: async () => {
        toast.success('Retention saved; the next clean-up applies it');
        await queryClient.invalidateQueries({ queryKey: trpc.retention.get.queryKey() });
      },
      onError: (e) => setError(e.message),
    }),
  );
  const fieldError = (field: string) => (error?.startsWith(`${field}:`) ? error : undefined);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    save.mutate(draft);
  }

  return (
    <section className="mt-8 rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
      <header className="border-b border-slate-200 px-6 py-4">
        <h2 className="text-base font-semibold text-slate-900">Data retention</h2>
        <p className="text-sm text-slate-600">
          Item data (the records a run saw: step samples and the trigger payload) is removed first; the run itself, with its counts and errors, later.
          A flow can also keep no item data at all (in the flow editor).
        </p>
      </header>
      <form onSubmit={onSubmit} className="grid gap-4 px-6 py-5 md:grid-cols-4 md:items-start">
        <TextField
          label="Keep item data for (days)"
          type="number"
          min={1}
          max={365}
          value={draft.sampleRetentionDays}
          onChange={(e) => setDraft((d) => ({ ...d, sampleRetentionDays: Number(e.target.value) }))}
          disabled={!canManage}
          error={fieldError('sampleRetentionDays')}
        />
        <TextField
          label="Keep runs for (days)"
          type="number"
          min={1}
          max={3650}
          value={draft.runRetentionDays}
          onChange={(e) => setDraft((d) => ({ ...d, runRetentionDays: Number(e.target.value) }))}
          disabled={!canManage}
          error={fieldError('runRetentionDays')}
        />
        {canManage && (
          <div className="md:pt-6">
            <Button type="submit" disabled={save.isPending}>
              Save retention
            </Button>
          </div>
        )}
      </form>
    </section>
  );
}
