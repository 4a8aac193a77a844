import type { ReactNode } from 'react';
import { ContentColumn } from '../_components/shell/content-column';
import { Sidebar } from '../_components/shell/sidebar';
import { requireWorkspace } from '../_server/session';

export const dynamic = 'force-dynamic';

export default async function ShellLayout({ children }: { children: ReactNode }) {
  const session = await requireWorkspace();
  return (
    <div className="flex h-full min-h-screen">
      <Sidebar session={session} />
      <ContentColumn>{children}</ContentColumn>
    </div>
  );
}
