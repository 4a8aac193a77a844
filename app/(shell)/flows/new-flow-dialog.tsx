'use client';

import { useState } from 'react';
import { Button } from '../../_components/button';
import { Dialog } from '../../_components/flow-editor/dialog';
import { TextField } from '../../_components/text-field';

/** Names a new flow (the app's own dialog, not the browser's prompt). */
export function NewFlowDialog({ open, pending, onCreate, onClose }: { open: boolean; pending: boolean; onCreate: (name: string) => void; onClose: () => void }) {
  const [name, setName] = useState('');
  const [tried, setTried] = useState(false);
  const trimmed = name.trim();
  return (
    <Dialog title="New flow" open={open} onClose={onClose}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (trimmed) onCreate(trimmed);
        }}
      >
        <TextField
          label="Flow name"
          value={name}
          autoFocus
          maxLength={120}
          placeholder="e.g. CRM contacts to the helpdesk"
          onChange={(e) => setName(e.target.value)}
          error={tried && !trimmed ? 'Give the flow a name.' : undefined}
          hint="What it keeps in sync; you can rename it later."
        />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending}>
            {pending ? 'Creating…' : 'Create flow'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
