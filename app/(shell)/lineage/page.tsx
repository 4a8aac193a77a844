import { Suspense } from 'react';
import { requireWorkspace } from '../../_server/session';
import { LineageView } from './lineage-view';

export const dynamic = 'force-dynamic';

export default async function LineagePage() {
  await requireWorkspace();
  return (
    <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>
      <LineageView />
    </Suspense>
  );
}
