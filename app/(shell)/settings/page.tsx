import { PageHeader } from '../../_components/page-header';
import { requireWorkspace } from '../../_server/session';
import { AuditPanel } from './audit-panel';
import { MembersPanel } from './members-panel';
import { RetentionPanel } from './retention-panel';

export default async function SettingsPage() {
  const session = await requireWorkspace();
  return (
    <>
      <PageHeader title="Settings" description={`Workspace “${session.current.name}”: who has access, with which role, and how long run data is kept.`} />
      <MembersPanel canManage={session.current.role === 'admin'} currentUserId={session.user.id} />
      <RetentionPanel canManage={session.current.role === 'admin'} />
      {session.current.role === 'admin' && <AuditPanel />}
    </>
  );
}
