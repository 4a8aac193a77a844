import { Suspense } from 'react';
import { FlowEditor } from '../../../_components/flow-editor/flow-editor';
import { ItemDataSetting } from './item-data-setting';

export default async function FlowEditorPage({ params }: { params: Promise<{ flowId: string }> }) {
  const { flowId } = await params;
  return (
    <Suspense fallback={<p className="p-6 text-sm text-slate-500">Opening the flow…</p>}>
      <FlowEditor flowId={flowId} />
      <ItemDataSetting flowId={flowId} />
    </Suspense>
  );
}
