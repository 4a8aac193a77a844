import { Plug } from 'lucide-react';
import { EmptyState } from '../../_components/empty-state';
import { PageHeader } from '../../_components/page-header';

export default function ConnectionsPage() {
  return (
    <>
      <PageHeader
        title="Connections"
        description="The systems Syncline talks to, with their credentials (encrypted, never shown again) and the integration's own identity in each, used for loop prevention."
      />
      <EmptyState icon={Plug} title="No connections yet">
        An admin adds a connection for each system to sync: a REST API, a PostgreSQL database or an inbound webhook
        source.
      </EmptyState>
    </>
  );
}
