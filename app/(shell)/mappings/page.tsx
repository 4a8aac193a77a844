import { ArrowLeftRight } from 'lucide-react';
import { EmptyState } from '../../_components/empty-state';
import { PageHeader } from '../../_components/page-header';
import { requireWorkspace } from '../../_server/session';
import { MappingsPanel } from './mappings-panel';
import { PrivacyPanel } from './privacy-panel';

export default async function MappingsPage() {
  const session = await requireWorkspace();
  return (
    <>
      <PageHeader
        title="Mappings"
        description="External IDs: which record in one system is which record in another. Sync flows look them up before writing and save them after creating."
      />
      {session.current.role === 'admin' ? (
        <div className="space-y-6">
          <MappingsPanel />
          <PrivacyPanel />
        </div>
      ) : (
        <EmptyState icon={ArrowLeftRight} title="Only admins see mappings">
          Mappings are saved automatically by the Lookup, Save external ID and Upsert steps of your flows; an admin can browse and correct them here.
        </EmptyState>
      )}
    </>
  );
}
