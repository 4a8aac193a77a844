import { PageHeader } from '../../_components/page-header';
import { requireWorkspace } from '../../_server/session';
import { ChannelsPanel } from './channels-panel';
import { DeliveriesPanel } from './deliveries-panel';
import { IncidentsPanel } from './incidents-panel';
import { RulesPanel } from './rules-panel';

export default async function AlertsPage() {
  const session = await requireWorkspace();
  const role = session.current.role;
  const canManage = role !== 'viewer';
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Rules watch your flows for failures, silence and backlogs, and tell the bell and your webhooks once when a problem starts and once when it clears."
      />
      <div className="space-y-8">
        <IncidentsPanel />
        {canManage ? (
          <>
            <RulesPanel />
            <ChannelsPanel isAdmin={role === 'admin'} />
            <DeliveriesPanel />
          </>
        ) : (
          <p className="text-sm text-slate-600">Analysts and admins set up alert rules and webhooks; you see every alert in the bell.</p>
        )}
      </div>
    </>
  );
}
