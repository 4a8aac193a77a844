import { PageHeader } from '../../_components/page-header';
import { requireWorkspace } from '../../_server/session';
import { AuditPanel } from './audit-panel';
import { MembersPanel } from './members-panel';

export default async function SettingsPage() {
  const session = await requireWorkspace();
  return (
    <>
      <PageHeader title="Settings" description={`Workspace “${session.current.name}”: who has access, and with which role.`} />
      <MembersPanel canManage={session.current.role === 'admin'} currentUserId={session.user.id} />
      {session.current.role === 'admin' && <AuditPanel />}
    </>
  );
}
