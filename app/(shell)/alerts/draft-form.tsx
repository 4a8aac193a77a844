'use client';

import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '../../_components/button';

/**
 * State of a create-or-edit form: the draft, and the server's message, which names its field
 * ("name: …") when it is about one. `mutationOptions` go to both the create and the update mutation.
 */
export function useDraftForm<D extends { id?: string }>(initial: D, onDone: (saved: boolean) => Promise<void>) {
  const [draft, setDraft] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const fieldError = (field: string) => (error?.startsWith(`${field}:`) ? error : undefined);
  return {
    draft,
    error,
    fieldError,
    set: (patch: Partial<D>) => setDraft((d) => ({ ...d, ...patch })),
    /** The message when none of `fields` shows it. */
    otherError: (fields: string[]) => (error && !fields.some((f) => fieldError(f)) ? error : null),
    mutationOptions: { meta: { silent: true }, onSuccess: () => onDone(true), onError: (e: { message: string }) => setError(e.message) },
    /** Submit handler: updates a draft with an id, creates one without. */
    submitWith: (create: (fields: Omit<D, 'id'>) => void, update: (input: Omit<D, 'id'> & { id: string }) => void) => (event: FormEvent) => {
      event.preventDefault();
      setError(null);
      const { id, ...fields } = draft;
      if (id) update({ id, ...fields });
      else create(fields);
    },
  };
}

/** The message no field shows, then save and cancel. */
export function FormActions({ error, pending, saveLabel, onCancel }: { error: string | null; pending: boolean; saveLabel: string; onCancel: () => void }) {
  return (
    <>
      {error && <p className="text-sm text-red-600">{error}</p>}
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {saveLabel}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </>
  );
}

/** A form's `onDone` for a panel: closes the form, and after a save says so and refetches. */
export function closeForm(close: () => void, savedMessage: string, refresh: () => Promise<void>) {
  return async (saved: boolean) => {
    close();
    if (saved) {
      toast.success(savedMessage);
      await refresh();
    }
  };
}
