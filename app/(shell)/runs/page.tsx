import { Activity } from 'lucide-react';
import { EmptyState } from '../../_components/empty-state';
import { PageHeader } from '../../_components/page-header';

export default function RunsPage() {
  return (
    <>
      <PageHeader title="Runs" description="Every execution of every flow in this workspace: what ran, what it read and wrote, and why anything failed." />
      <EmptyState icon={Activity} title="No runs yet">
        Runs appear here as soon as an active flow is triggered, by a webhook, a schedule, a poll for changes or a
        manual test run.
      </EmptyState>
    </>
  );
}
