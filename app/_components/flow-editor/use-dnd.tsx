'use client';

/**
 * Drag from the palette onto the canvas with pointer events (works with mouse, pen and touch, and
 * with synthetic pointer input in tests). The palette only knows node `type` strings; the canvas
 * registers where a drop lands.
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';

type DropTarget = { element: HTMLElement; onDrop: (type: string, client: { x: number; y: number }) => void };

interface DnDValue {
  dragging: { type: string; title: string; x: number; y: number } | null;
  startDrag(type: string, title: string, event: React.PointerEvent): void;
  registerDropTarget(target: DropTarget | null): void;
}

const DnDContext = createContext<DnDValue | null>(null);

export function DnDProvider({ children }: { children: ReactNode }) {
  const [dragging, setDragging] = useState<DnDValue['dragging']>(null);
  const target = useRef<DropTarget | null>(null);

  const startDrag = useCallback((type: string, title: string, event: React.PointerEvent) => {
    if (event.button !== 0) return;
    event.preventDefault();
    const start = { x: event.clientX, y: event.clientY };
    let moved = false;
    const move = (e: PointerEvent) => {
      if (!moved && Math.hypot(e.clientX - start.x, e.clientY - start.y) < 4) return;
      moved = true;
      setDragging({ type, title, x: e.clientX, y: e.clientY });
    };
    const up = (e: PointerEvent) => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      setDragging(null);
      const t = target.current;
      if (!moved || !t) return;
      const rect = t.element.getBoundingClientRect();
      if (e.clientX >= rect.left && e.clientX <= rect.right && e.clientY >= rect.top && e.clientY <= rect.bottom) {
        t.onDrop(type, { x: e.clientX, y: e.clientY });
      }
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  }, []);

  const registerDropTarget = useCallback((t: DropTarget | null) => {
    target.current = t;
  }, []);

  const value = useMemo(() => ({ dragging, startDrag, registerDropTarget }), [dragging, startDrag, registerDropTarget]);
  return (
    <DnDContext.Provider value={value}>
      {children}
      {dragging && (
        <div
          aria-hidden="true"
          className="pointer-events-none fixed z-50 -translate-x-1/2 -translate-y-1/2 rounded-md border border-brand-600 bg-white px-3 py-2 text-sm font-medium text-slate-800 shadow-lg"
          style={{ left: dragging.x, top: dragging.y }}
        >
          {dragging.title}
        </div>
      )}
    </DnDContext.Provider>
  );
}

export function useDnD(): DnDValue {
  const value = useContext(DnDContext);
  if (!value) throw new Error('useDnD must be used inside <DnDProvider>');
  return value;
}
