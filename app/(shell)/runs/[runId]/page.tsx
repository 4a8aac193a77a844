import { requireWorkspace } from '../../../_server/session';
import { RunDetailView } from './run-detail';

export const dynamic = 'force-dynamic';

export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  const [{ runId }, session] = await Promise.all([params, requireWorkspace()]);
  return <RunDetailView runId={runId} role={session.current.role} />;
}
