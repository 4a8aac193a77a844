'use client';

import { useState, type ReactNode } from 'react';
import { Button } from './button';
import { Dialog } from './flow-editor/dialog';

/** What a destructive action asks before it happens: what will happen, in plain words, and the button that does it. */
export interface ConfirmRequest {
  readonly title: string;
  readonly message: ReactNode;
  /** The destructive button's label: the action itself ("Archive flow"), never "OK". */
  readonly confirmLabel: string;
  readonly onConfirm: () => void;
}

/**
 * The app's own confirmation dialog (never the browser's `confirm()`): `ask(request)` opens it, `dialog` is
 * rendered once by the caller. Cancel has the focus when it opens, so Enter never destroys by accident;
 * Escape closes it (the native <dialog>).
 */
export function useConfirmDialog(): { ask: (request: ConfirmRequest) => void; dialog: ReactNode } {
  const [request, setRequest] = useState<ConfirmRequest | null>(null);
  const close = () => setRequest(null);
  const dialog = (
    <Dialog title={request?.title ?? ''} open={request !== null} onClose={close}>
      {request && (
        <div className="space-y-4">
          <div className="text-sm text-slate-700">{request.message}</div>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" data-autofocus onClick={close}>
              Cancel
            </Button>
            <Button
              variant="danger"
              onClick={() => {
                close();
                request.onConfirm();
              }}
            >
              {request.confirmLabel}
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
  return { ask: setRequest, dialog };
}
