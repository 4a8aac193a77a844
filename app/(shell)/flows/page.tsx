import { Workflow } from 'lucide-react';
import { EmptyState } from '../../_components/empty-state';
import { PageHeader } from '../../_components/page-header';

export default function FlowsPage() {
  return (
    <>
      <PageHeader
        title="Flows"
        description="A flow keeps two systems in sync: a trigger picks up a change, then filters, transforms and sync steps write it to the other side."
      />
      <EmptyState icon={Workflow} title="No flows yet">
        Flows you build or import will be listed here with their status and last run. Start by adding a connection to
        each system you want to keep in sync.
      </EmptyState>
    </>
  );
}
