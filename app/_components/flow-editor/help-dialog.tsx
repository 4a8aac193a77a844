'use client';

import { Dialog } from './dialog';
import { SHORTCUTS } from './shortcuts';

export function HelpDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts and tips" open={open} onClose={onClose}>
      <table className="w-full text-sm">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys} className="border-b border-slate-100 last:border-0">
              <td className="py-1.5 pr-4 font-mono text-xs whitespace-nowrap text-slate-700">{s.keys}</td>
              <td className="py-1.5 text-slate-600">{s.action}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-3 text-xs text-slate-500">
        Fields marked <span className="font-mono">fx</span> can hold an expression (JSONata), e.g. <span className="font-mono">$lowercase(email)</span>; the preview runs it on your sample data.
      </p>
    </Dialog>
  );
}
