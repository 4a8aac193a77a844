'use client';

import { useMutation } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTRPC } from '../../_lib/trpc/react';
import { useEditor } from './store';

export type SaveState = 'saved' | 'unsaved' | 'saving' | 'conflict' | 'error';

const DEBOUNCE_MS = 700;

function isConflict(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === 'CONFLICT';
}

/**
 * Saves the draft shortly after each change, one save at a time (a second save waits for the first,
 * so we never conflict with ourselves). A CONFLICT stops autosaving until the page is reloaded.
 */
export function useAutosave(flowId: string, initialRevision: number, enabled: boolean) {
  const trpc = useTRPC();
  const { mutateAsync } = useMutation(trpc.flows.saveDraft.mutationOptions({ meta: { silent: true } }));
  const [state, setState] = useState<SaveState>('saved');
  const revision = useRef(initialRevision);
  const inFlight = useRef<Promise<void> | null>(null);
  const conflict = useRef(false);

  const saveNow = useCallback(async (): Promise<boolean> => {
    while (inFlight.current) await inFlight.current;
    const { doc, changeCount: at, dirty: isDirty } = useEditor.getState();
    if (!isDirty) return true;
    if (conflict.current) return false;
    let ok = false;
    const run = (async () => {
      setState('saving');
      try {
        const saved = await mutateAsync({ flowId, draft: doc, baseRevision: revision.current });
        revision.current = saved.revision;
        useEditor.getState().markSaved(at);
        setState(useEditor.getState().dirty ? 'unsaved' : 'saved');
        ok = true;
      } catch (e) {
        if (isConflict(e)) conflict.current = true;
        setState(isConflict(e) ? 'conflict' : 'error');
      }
    })();
    inFlight.current = run;
    await run;
    inFlight.current = null;
    return ok;
  }, [flowId, mutateAsync]);

  useEffect(() => {
    if (!enabled) return;
    // A store subscription, not a React one: dragging a node must not re-render the editor shell.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = useEditor.subscribe((s, prev) => {
      if (s.changeCount === prev.changeCount || !s.dirty || conflict.current) return;
      setState((current) => (current === 'saving' ? current : 'unsaved'));
      clearTimeout(timer);
      timer = setTimeout(() => void saveNow(), DEBOUNCE_MS);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [enabled, saveNow]);

  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (useEditor.getState().dirty) e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  const setRevision = useCallback((r: number) => {
    revision.current = r;
  }, []);
  return { state, saveNow, revision, setRevision };
}
