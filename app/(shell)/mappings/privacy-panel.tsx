'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ShieldCheck } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { Button } from '../../_components/button';
import { useConfirmDialog } from '../../_components/confirm-dialog';
import { useTRPC } from '../../_lib/trpc/react';

/** GDPR erasure of one person: in the synced systems, in the mappings and in Syncline's run history. */
export function PrivacyPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [subject, setSubject] = useState('');
  const anonymise = useMutation(
    trpc.privacy.anonymise.mutationOptions({
      onSuccess: (r) => {
        const total = r.records.reduce((n, x) => n + x.count, 0);
        toast.success(`Anonymised ${total} record(s), forgot ${r.mappingsForgotten} mapping(s), scrubbed ${r.samplesScrubbed} stored sample(s)`);
        setSubject('');
        void queryClient.invalidateQueries({ queryKey: trpc.mappings.pathKey() });
      },
      onError: (e) => toast.error(e.message),
    }),
  );
  const confirm = useConfirmDialog();
  const submit = () => {
    const value = subject.trim();
    if (!value) return;
    confirm.ask({
      title: 'Anonymise this person everywhere?',
      message: (
        <>
          The name, email and phone of <strong>{value}</strong> are overwritten in every synced system, their mappings are forgotten and
          their data is erased from run history. This cannot be undone.
        </>
      ),
      confirmLabel: 'Anonymise everywhere',
      onConfirm: () => anonymise.mutate({ subject: value }),
    });
  };
  const last = anonymise.data;
  return (
    <section aria-label="Privacy" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <h2 className="mb-1 flex items-center gap-2 text-sm font-semibold text-slate-900"><ShieldCheck size={16} aria-hidden="true" /> Privacy: anonymise a person</h2>
      <p className="mb-3 text-sm text-slate-500">
        For an erasure request (GDPR). Enter their email or a record id from any system: their records are found through the mappings,
        anonymised in each system, their mappings forgotten and their data erased from run samples. The audit log keeps counts only.
      </p>
      <form className="flex flex-wrap items-center gap-2" onSubmit={(e) => { e.preventDefault(); submit(); }}>
        <input
          aria-label="Email or record id"
          placeholder="person@example.com or a record id"
          className="min-w-72 rounded-md border-0 px-3 py-2 text-sm ring-1 ring-slate-300"
          value={subject}
          onChange={(e) => setSubject(e.target.value)}
        />
        <Button type="submit" variant="danger" disabled={!subject.trim() || anonymise.isPending}>{anonymise.isPending ? 'Anonymising…' : 'Anonymise'}</Button>
      </form>
      {last && (
        <p className="mt-3 text-sm text-slate-600" data-testid="privacy-result">
          {last.records.length === 0
            ? 'No record of this person was found in the synced systems.'
            : last.records.map((r) => `${r.count} ${r.objectType} in ${r.connectionName}`).join(' · ')}
          {` · ${last.mappingsForgotten} mapping(s) forgotten · ${last.samplesScrubbed} stored sample(s) scrubbed`}
        </p>
      )}
      {confirm.dialog}
    </section>
  );
}
