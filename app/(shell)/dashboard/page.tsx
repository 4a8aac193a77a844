import { Suspense } from 'react';
import { requireWorkspace } from '../../_server/session';
import { DashboardView } from './dashboard-view';

export const dynamic = 'force-dynamic';

export default async function DashboardPage() {
  await requireWorkspace();
  return (
    <Suspense fallback={<p className="text-sm text-slate-500">Loading the dashboard…</p>}>
      <DashboardView />
    </Suspense>
  );
}
