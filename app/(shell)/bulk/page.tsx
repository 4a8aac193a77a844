import { PageHeader } from '../../_components/page-header';
import { requireWorkspace } from '../../_server/session';
import { BulkPanel } from './bulk-panel';

export default async function BulkPage() {
  const session = await requireWorkspace();
  return (
    <>
      <PageHeader
        title="Bulk"
        description="Initial loads and full re-syncs: copy every record of an object from one system into another, matching records that already exist. Loads resume after a restart and can be rolled back."
      />
      <BulkPanel canStart={session.current.role !== 'viewer'} />
    </>
  );
}
