import type { ReactNode } from 'react';
import { Sidebar } from '../_components/shell/sidebar';
import { requireWorkspace } from '../_server/session';

export const dynamic = 'force-dynamic';

export default async function ShellLayout({ children }: { children: ReactNode }) {
  const session = await requireWorkspace();
  return (
    <div className="flex h-full min-h-screen">
      <Sidebar session={session} />
      <main className="min-w-0 flex-1 overflow-y-auto">
        <div className="mx-auto max-w-6xl px-6 py-8 lg:px-10">{children}</div>
      </main>
    </div>
  );
}
