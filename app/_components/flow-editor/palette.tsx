'use client';

import { PanelLeftClose, Search } from 'lucide-react';
import { useMemo, useState } from 'react';
import type { NodeGroup } from '../../../flows-engine/index';
import { nodeDefinitions } from '../../../nodes/registry';
import { FALLBACK_ICON, GROUP_ACCENTS, GROUP_LABELS, NODE_ICONS } from './node-meta';
import { CollapsedPanel, usePanelFrame } from './panel-frame';
import { useDnD } from './use-dnd';

const GROUP_ORDER: NodeGroup[] = ['trigger', 'logic', 'sync', 'action'];
const PALETTE_SIZE = { width: 224, min: 224, max: 224, side: 'left' } as const;

/** Node types grouped as in DESIGN.md; drag one onto the canvas, or focus it and press Enter. */
export function Palette({ onAdd }: { onAdd: (type: string) => void }) {
  const [query, setQuery] = useState('');
  const { startDrag } = useDnD();
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const match = (d: (typeof nodeDefinitions)[number]) => !q || `${d.title} ${d.description} ${d.type}`.toLowerCase().includes(q);
    return GROUP_ORDER.map((g) => ({ group: g, defs: nodeDefinitions.filter((d) => d.group === g && match(d)) })).filter((g) => g.defs.length > 0);
  }, [query]);
  const frame = usePanelFrame('syncline.editor.palette', PALETTE_SIZE);

  if (frame.collapsed) return <CollapsedPanel label="Steps" side="left" onExpand={frame.expand} />;
  return (
    <aside aria-label="Steps" className="flex w-56 shrink-0 flex-col border-r border-slate-200 bg-white">
      <div className="border-b border-slate-200 p-3">
        <div className="flex items-center gap-1">
        <label className="relative block flex-1">
          <span className="sr-only">Search steps</span>
          <Search size={15} className="pointer-events-none absolute top-1/2 left-2.5 -translate-y-1/2 text-slate-400" aria-hidden="true" />
          <input
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Search steps"
            className="w-full rounded-md border-0 py-1.5 pr-2 pl-8 text-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-brand-600"
          />
        </label>
          <button type="button" aria-label="Hide the steps" title="Hide the steps" onClick={frame.collapse} className="rounded p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-700">
            <PanelLeftClose size={16} aria-hidden="true" />
          </button>
        </div>
        <p className="mt-2 text-[11px] text-slate-500">Drag a step onto the canvas, or select it and press Enter.</p>
      </div>
      <div className="flex-1 space-y-4 overflow-y-auto p-3">
        {groups.map(({ group, defs }) => (
          <section key={group} aria-label={GROUP_LABELS[group]}>
            <h3 className="mb-1.5 text-[11px] font-semibold tracking-wide text-slate-500 uppercase">{GROUP_LABELS[group]}</h3>
            <ul className="space-y-1">
              {defs.map((d) => {
                const Icon = NODE_ICONS[d.type] ?? FALLBACK_ICON;
                return (
                  <li key={d.type}>
                    <button
                      type="button"
                      data-testid={`palette-${d.type}`}
                      aria-label={`${d.title}: ${d.description}`}
                      onPointerDown={(e) => startDrag(d.type, d.title, e)}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter' || e.key === ' ') {
                          e.preventDefault();
                          onAdd(d.type);
                        }
                      }}
                      className="flex w-full cursor-grab touch-none items-start gap-2 rounded-md p-1.5 text-left select-none hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-600 active:cursor-grabbing"
                    >
                      <span className={`mt-0.5 flex h-7 w-7 shrink-0 items-center justify-center rounded ${GROUP_ACCENTS[d.group]}`}>
                        <Icon size={14} aria-hidden="true" />
                      </span>
                      <span className="min-w-0">
                        <span className="block text-sm font-medium text-slate-800">{d.title}</span>
                        <span className="block text-xs leading-snug text-slate-500">{d.description}</span>
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
        {groups.length === 0 && <p className="text-sm text-slate-500">No step matches “{query}”.</p>}
      </div>
    </aside>
  );
}
