'use client';

import { BookOpen, CircleHelp, ExternalLink, Map } from 'lucide-react';
import Link from 'next/link';
import { useRef } from 'react';
import { useTour } from './tour-provider';

/** The sidebar's Help menu: restart the demo tour, the Learn page, and the demo systems' pages. */
export function HelpMenu({ crmUrl, helpdeskUrl }: { crmUrl: string | null; helpdeskUrl: string | null }) {
  const tour = useTour();
  const menu = useRef<HTMLDetailsElement>(null);
  const close = () => menu.current?.removeAttribute('open');
  const item = 'flex w-full items-center gap-2 px-3 py-2 text-left text-sm text-slate-700 hover:bg-slate-50';
  return (
    <details ref={menu} className="relative mb-2">
      <summary className="flex cursor-pointer list-none items-center gap-3 rounded-md px-3 py-2 text-sm font-medium hover:bg-slate-800/60 hover:text-white [&::-webkit-details-marker]:hidden">
        <CircleHelp size={18} aria-hidden="true" /> Help
      </summary>
      <div role="menu" aria-label="Help" className="absolute bottom-full left-0 z-30 mb-1 w-56 rounded-md border border-slate-200 bg-white py-1 shadow-lg">
        {tour.available && (
          <button type="button" role="menuitem" className={item} onClick={() => (close(), tour.start())}>
            <Map size={15} aria-hidden="true" /> Take the tour
          </button>
        )}
        <Link role="menuitem" href="/learn" className={item} onClick={close}>
          <BookOpen size={15} aria-hidden="true" /> How syncing works
        </Link>
        {crmUrl && (
          <a role="menuitem" href={crmUrl} target="_blank" rel="noreferrer" className={item} onClick={close}>
            <ExternalLink size={15} aria-hidden="true" /> Demo CRM
          </a>
        )}
        {helpdeskUrl && (
          <a role="menuitem" href={helpdeskUrl} target="_blank" rel="noreferrer" className={item} onClick={close}>
            <ExternalLink size={15} aria-hidden="true" /> Demo helpdesk
          </a>
        )}
      </div>
    </details>
  );
}
