'use client';

import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';

/** Pages that need the whole area right of the sidebar (the flow editor) get it; others a readable column. */
const FULL_BLEED = /^\/flows\/[^/]+$/;

export function ContentColumn({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  if (FULL_BLEED.test(pathname)) {
    return <main className="h-screen min-w-0 flex-1 overflow-hidden">{children}</main>;
  }
  return (
    <main className="min-w-0 flex-1 overflow-y-auto">
      <div className="mx-auto max-w-6xl px-6 py-8 lg:px-10">{children}</div>
    </main>
  );
}
