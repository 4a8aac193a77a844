import { Suspense } from 'react';
import { requireWorkspace } from '../../_server/session';
import { RunsList } from './runs-list';

export const dynamic = 'force-dynamic';

export default async function RunsPage() {
  await requireWorkspace();
  return (
    <Suspense fallback={<p className="text-sm text-slate-500">Loading runs…</p>}>
      <RunsList />
    </Suspense>
  );
}
