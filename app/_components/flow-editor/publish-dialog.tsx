'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { toast } from 'sonner';
import type { Issue } from '../../../flows-engine/index';
import { useTRPC } from '../../_lib/trpc/react';
import { Button } from '../button';
import { Dialog } from './dialog';
import { INPUT_CLASS } from './literal-input';
import { ProblemList } from './side-panel';
import { useEditor } from './store';

/** Saves, then publishes with a note; lists blocking problems (each links to its step). */
export function PublishDialog({ flowId, open, onClose, saveNow }: { flowId: string; open: boolean; onClose: () => void; saveNow: () => Promise<boolean> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const [serverIssues, setServerIssues] = useState<Issue[] | null>(null);
  const errors = useEditor((s) => s.issues.filter((i) => i.severity === 'error').length);
  const publish = useMutation(trpc.flows.publish.mutationOptions());
  // Problems are validated shortly after edits pause; the publish check wants them for the draft as it is now.
  useEffect(() => {
    if (open) useEditor.getState().validateNow();
  }, [open]);

  const submit = async () => {
    if (!(await saveNow())) return;
    // A refusal is shown as a toast by the query client.
    const result = await publish.mutateAsync({ flowId, note }).catch(() => null);
    if (!result) return;
    if (!result.published) {
      setServerIssues(result.issues);
      return;
    }
    toast.success(`Published version ${result.version}`);
    setNote('');
    setServerIssues(null);
    await queryClient.invalidateQueries({ queryKey: trpc.flows.pathKey() });
    onClose();
  };

  return (
    <Dialog title="Publish" open={open} onClose={onClose}>
      <div className="space-y-4">
        {errors > 0 || serverIssues ? (
          <div className="space-y-2">
            <p className="text-sm font-medium text-red-700" role="alert">
              Fix {errors === 1 ? 'this problem' : `these ${errors} problems`} before publishing:
            </p>
            {/* Choosing a problem closes the dialog and shows its step; opening its details does not. */}
            <div onClickCapture={(e) => (e.target as HTMLElement).closest('button') && onClose()}>
              <ProblemList />
            </div>
          </div>
        ) : (
          <p className="text-sm text-slate-600">The draft passes every check. Publishing freezes it as a new version; runs already in progress keep theirs.</p>
        )}
        <div className="space-y-1">
          <label htmlFor="publish-note" className="text-sm font-medium text-slate-700">
            What changed? <span className="font-normal text-slate-500">(optional)</span>
          </label>
          <textarea id="publish-note" rows={2} className={INPUT_CLASS} value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
        </div>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={() => void submit()} disabled={publish.isPending || errors > 0}>
            {publish.isPending ? 'Publishing…' : 'Publish'}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
