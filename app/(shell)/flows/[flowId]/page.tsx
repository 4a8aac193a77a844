import { Suspense } from 'react';
import { getDb } from '../../../../db/client';
import { FlowEditor, type EditorFlow } from '../../../_components/flow-editor/flow-editor';
import { createCaller } from '../../../_server/routers';
import { requireWorkspace } from '../../../_server/session';
import { ItemDataSetting } from './item-data-setting';

/**
 * Fetches the flow while rendering the page, so the editor starts with its data instead of asking
 * for it after hydration (one round trip less when opening). If that fails (not found, no access),
 * the editor asks itself and shows the error the usual way.
 */
async function loadFlow(flowId: string): Promise<EditorFlow | undefined> {
  const session = await requireWorkspace();
  const caller = createCaller({ db: getDb(), user: session.user, requestedWorkspaceId: session.current.id, rememberWorkspace: () => {} });
  return caller.flows.get({ flowId }).catch(() => undefined);
}

export default async function FlowEditorPage({ params }: { params: Promise<{ flowId: string }> }) {
  const { flowId } = await params;
  const initialFlow = await loadFlow(flowId);
  return (
    <Suspense fallback={<p className="p-6 text-sm text-slate-500">Opening the flow…</p>}>
      <FlowEditor flowId={flowId} initialFlow={initialFlow} />
      <ItemDataSetting flowId={flowId} />
    </Suspense>
  );
}
