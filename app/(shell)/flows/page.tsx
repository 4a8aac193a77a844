import { getDb } from '../../../db/client';
import { CreateDemoButton } from '../../_components/tour/create-demo-button';
import { DemoBanner } from '../../_components/tour/demo-banner';
import { demoInfoFor } from '../../_server/demo/demo-info';
import { demoEnvFrom } from '../../_server/demo/seed-demo-workspace';
import { listFlows } from '../../_server/flows/flow-queries';
import { requireWorkspace } from '../../_server/session';
import { FlowsList } from './flows-list';

export const dynamic = 'force-dynamic';

/** Rendered with its data on the server (no loading flash); the client list then keeps it fresh. */
export default async function FlowsPage() {
  const session = await requireWorkspace();
  const [initial, demo] = await Promise.all([listFlows(getDb(), session.current.id), demoInfoFor(getDb(), session.current.id)]);
  return (
    <>
      {demo && <DemoBanner demo={demo} canEdit={session.current.role !== 'viewer'} />}
      {!demo && demoEnvFrom() && (
        <div className="mb-4 flex items-center justify-end gap-3 text-xs text-slate-500">
          Want to see a sync working first? <CreateDemoButton />
        </div>
      )}
      <FlowsList initial={initial} role={session.current.role} />
    </>
  );
}
