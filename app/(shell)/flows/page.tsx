import { getDb } from '../../../db/client';
import { DemoBanner } from '../../_components/tour/demo-banner';
import { demoInfoFor } from '../../_server/demo/demo-info';
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
      <FlowsList initial={initial} role={session.current.role} />
    </>
  );
}
