import type { ReactNode } from 'react';
import { getDb } from '../../db/client';
import { PendingInvitations } from '../_components/invitations/pending-invitations';
import { ContentColumn } from '../_components/shell/content-column';
import { Sidebar } from '../_components/shell/sidebar';
import { HelpMenu } from '../_components/tour/help-menu';
import { TourProvider } from '../_components/tour/tour-provider';
import { demoInfoFor } from '../_server/demo/demo-info';
import { requireWorkspace } from '../_server/session';

export const dynamic = 'force-dynamic';

export default async function ShellLayout({ children }: { children: ReactNode }) {
  const session = await requireWorkspace();
  const demo = await demoInfoFor(getDb(), session.current.id);
  const tour = demo && {
    crmToHelpdeskFlowId: demo.sampleFlows.find((f) => f.key === 'crmToHelpdesk')?.id ?? null,
    crmUrl: demo.crmUrl,
    helpdeskUrl: demo.helpdeskUrl,
  };
  return (
    <TourProvider userId={session.user.id} workspaceId={session.current.id} demo={tour}>
      <div className="flex h-full min-h-screen">
        <Sidebar session={session} help={<HelpMenu crmUrl={demo?.crmUrl ?? null} helpdeskUrl={demo?.helpdeskUrl ?? null} />} />
        <ContentColumn>
          <PendingInvitations />
          {children}
        </ContentColumn>
      </div>
    </TourProvider>
  );
}
