import { PageHeader } from '../../_components/page-header';
import { requireWorkspace } from '../../_server/session';
import { ConnectionsPanel } from './connections-panel';

export default async function ConnectionsPage() {
  await requireWorkspace();
  return (
    <>
      <PageHeader
        title="Connections"
        description="The systems Syncline talks to, with their credentials (encrypted, never shown again) and the integration's own identity in each, used for loop prevention."
      />
      <ConnectionsPanel />
    </>
  );
}
