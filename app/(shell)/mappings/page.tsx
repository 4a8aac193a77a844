import { ArrowLeftRight } from 'lucide-react';
import { EmptyState } from '../../_components/empty-state';
import { PageHeader } from '../../_components/page-header';

export default function MappingsPage() {
  return (
    <>
      <PageHeader
        title="Mappings"
        description="External IDs: which record in one system is which record in another. Sync flows look them up before writing and save them after creating."
      />
      <EmptyState icon={ArrowLeftRight} title="No mappings yet">
        Mappings are saved automatically by the Lookup, Save external ID and Upsert steps of your flows once they run.
      </EmptyState>
    </>
  );
}
