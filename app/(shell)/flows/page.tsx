import { getDb } from '../../../db/client';
import { listFlows } from '../../_server/flows/flow-queries';
import { requireWorkspace } from '../../_server/session';
import { FlowsList } from './flows-list';

export const dynamic = 'force-dynamic';

/** Rendered with its data on the server (no loading flash); the client list then keeps it fresh. */
export default async function FlowsPage() {
  const session = await requireWorkspace();
  const initial = await listFlows(getDb(), session.current.id);
  return <FlowsList initial={initial} role={session.current.role} />;
}
