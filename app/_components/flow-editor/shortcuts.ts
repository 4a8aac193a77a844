'use client';

import { useEffect } from 'react';
import { useEditor } from './store';

/** Shown in the help panel; keep in sync with the handler below. */
export const SHORTCUTS: { keys: string; action: string }[] = [
  { keys: 'Drag from the palette', action: 'Add a step (or focus it and press Enter)' },
  { keys: 'Drag from a port to a port', action: 'Connect two steps' },
  { keys: 'Click / Shift+click / Shift+drag', action: 'Select / add to selection / select an area' },
  { keys: 'Delete or Backspace', action: 'Delete the selection' },
  { keys: 'Ctrl/⌘+C, Ctrl/⌘+V', action: 'Copy, paste' },
  { keys: 'Ctrl/⌘+Z, Ctrl/⌘+Shift+Z or Ctrl+Y', action: 'Undo, redo' },
  { keys: 'Ctrl/⌘+A', action: 'Select all steps' },
  { keys: 'Ctrl/⌘+S', action: 'Save now' },
  { keys: 'Shift+L', action: 'Tidy up (auto-layout)' },
  { keys: 'Shift+F', action: 'Fit the flow in view' },
  { keys: 'Escape', action: 'Clear the selection' },
  { keys: '?', action: 'Show this help' },
];

function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

export function useShortcuts(options: { readOnly: boolean; onSave: () => void; onHelp: () => void; onFit: () => void; onTidy: () => void }) {
  const { readOnly, onSave, onHelp, onFit, onTidy } = options;
  useEffect(() => {
    const handler = (e: KeyboardEvent) => {
      if (typingIn(e.target) || document.querySelector('dialog[open]')) return;
      const mod = e.ctrlKey || e.metaKey;
      const s = useEditor.getState();
      const key = e.key.toLowerCase();
      let handled = true;
      if (mod && key === 's') onSave();
      else if (mod && key === 'z' && !e.shiftKey && !readOnly) s.undo();
      else if (mod && ((key === 'z' && e.shiftKey) || key === 'y') && !readOnly) s.redo();
      else if (mod && key === 'c') s.copy();
      else if (mod && key === 'v' && !readOnly) s.paste();
      else if (mod && key === 'a') s.selectAll();
      else if (!mod && e.shiftKey && key === 'l' && !readOnly) onTidy();
      else if (!mod && e.shiftKey && key === 'f') onFit();
      else if (e.key === '?') onHelp();
      else if (e.key === 'Escape') s.select([]);
      else handled = false;
      if (handled) e.preventDefault();
    };
    window.addEventListener('keydown', handler);
    return () => window.removeEventListener('keydown', handler);
  }, [readOnly, onSave, onHelp, onFit, onTidy]);
}
