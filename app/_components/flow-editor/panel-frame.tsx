'use client';

import { PanelLeftOpen, PanelRightOpen } from 'lucide-react';
import { useCallback, useEffect, useState, type PointerEvent as ReactPointerEvent } from 'react';

/**
 * The editor's side panels (steps on the left, step settings on the right): each can be collapsed to
 * a thin strip, and the right one widened by dragging its edge (test output tables need room). Both
 * are remembered in this browser.
 */
interface PanelState {
  width: number;
  collapsed: boolean;
}

function readState(key: string, fallback: PanelState): PanelState {
  try {
    const saved = JSON.parse(window.localStorage.getItem(key) ?? 'null') as Partial<PanelState> | null;
    return { width: typeof saved?.width === 'number' ? saved.width : fallback.width, collapsed: saved?.collapsed === true };
  } catch {
    return fallback;
  }
}

export function usePanelFrame(key: string, options: { width: number; min: number; max: number; side: 'left' | 'right' }) {
  const [state, setState] = useState<PanelState>({ width: options.width, collapsed: false });
  useEffect(() => setState(readState(key, { width: options.width, collapsed: false })), [key, options.width]);
  const save = useCallback(
    (next: PanelState) => {
      setState(next);
      window.localStorage.setItem(key, JSON.stringify(next));
    },
    [key],
  );
  const clamp = useCallback((w: number) => Math.round(Math.min(Math.max(w, options.min), Math.min(options.max, window.innerWidth * 0.7))), [options.min, options.max]);

  const startResize = useCallback(
    (e: ReactPointerEvent) => {
      e.preventDefault();
      const startX = e.clientX;
      const startWidth = state.width;
      let width = startWidth;
      const move = (ev: PointerEvent) => {
        width = clamp(startWidth + (options.side === 'right' ? startX - ev.clientX : ev.clientX - startX));
        setState((s) => ({ ...s, width }));
      };
      const up = () => {
        window.removeEventListener('pointermove', move);
        window.removeEventListener('pointerup', up);
        save({ width, collapsed: false });
      };
      window.addEventListener('pointermove', move);
      window.addEventListener('pointerup', up);
    },
    [state.width, clamp, options.side, save],
  );
  const resizeBy = useCallback((delta: number) => save({ width: clamp(state.width + delta), collapsed: false }), [state.width, clamp, save]);
  return {
    width: state.width,
    collapsed: state.collapsed,
    collapse: () => save({ ...state, collapsed: true }),
    expand: () => save({ ...state, collapsed: false }),
    startResize,
    resizeBy,
  };
}

/** The drag handle on a panel's inner edge; arrow keys resize it too. */
export function ResizeHandle({ label, onPointerDown, onStep }: { label: string; onPointerDown: (e: ReactPointerEvent) => void; onStep: (delta: number) => void }) {
  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onKeyDown={(e) => {
        if (e.key === 'ArrowLeft') onStep(40);
        if (e.key === 'ArrowRight') onStep(-40);
      }}
      className="absolute inset-y-0 left-0 z-10 w-1.5 -translate-x-1/2 cursor-col-resize hover:bg-brand-500/40 focus-visible:bg-brand-500/60 focus-visible:outline-none"
      data-testid="side-panel-resize"
    />
  );
}

/** A collapsed panel: a thin strip with the button that opens it again. */
export function CollapsedPanel({ label, side, onExpand }: { label: string; side: 'left' | 'right'; onExpand: () => void }) {
  const Icon = side === 'left' ? PanelLeftOpen : PanelRightOpen;
  return (
    <aside aria-label={label} className={`flex w-9 shrink-0 flex-col items-center bg-white pt-2 ${side === 'left' ? 'border-r' : 'border-l'} border-slate-200`}>
      <button type="button" onClick={onExpand} aria-label={`Show ${label.toLowerCase()}`} title={`Show ${label.toLowerCase()}`} className="rounded p-1.5 text-slate-500 hover:bg-slate-100 hover:text-slate-800">
        <Icon size={16} aria-hidden="true" />
      </button>
    </aside>
  );
}
