'use client';

import type { ReactNode } from 'react';
import { Button } from '../../_components/button';
import { useConfirmDialog, type ConfirmRequest } from '../../_components/confirm-dialog';

/** A card of the alerts page: a heading with its note (and an action on the right), then the content. */
export function Panel({ title, description, action, children }: { title: string; description: ReactNode; action?: ReactNode; children: ReactNode }) {
  return (
    <section aria-label={title} className="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
      <header className="flex items-start justify-between gap-4 border-b border-slate-200 px-6 py-4">
        <div>
          <h2 className="text-base font-semibold text-slate-900">{title}</h2>
          <p className="text-sm text-slate-600">{description}</p>
        </div>
        {action}
      </header>
      {children}
    </section>
  );
}

/** What a panel shows instead of its table while it has no rows. */
export function PanelEmpty({ children }: { children: ReactNode }) {
  return <p className="px-6 py-6 text-sm text-slate-500">{children}</p>;
}

/** A panel's table: `columns` are the headings (`actions` adds an unnamed last one), `children` the rows. */
export function PanelTable({ columns, actions = false, children }: { columns: string[]; actions?: boolean; children: ReactNode }) {
  return (
    <table className="w-full text-left text-sm">
      <thead className="bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
        <tr>
          {columns.map((column) => (
            <th key={column} className="px-6 py-2 font-medium">
              {column}
            </th>
          ))}
          {actions && <th className="px-6 py-2" aria-label="Actions" />}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">{children}</tbody>
    </table>
  );
}

/** The last cell of a row: Edit, and Delete once the person confirms in the app's dialog what deleting does. */
export function EditDeleteCell({ onEdit, confirm, onDelete }: { onEdit: () => void; confirm: Omit<ConfirmRequest, 'onConfirm'>; onDelete: () => void }) {
  const confirmDialog = useConfirmDialog();
  return (
    <td className="px-6 py-3 text-right whitespace-nowrap">
      <Button variant="ghost" onClick={onEdit}>
        Edit
      </Button>
      <Button variant="ghost" onClick={() => confirmDialog.ask({ ...confirm, onConfirm: onDelete })}>
        Delete
      </Button>
      {confirmDialog.dialog}
    </td>
  );
}
