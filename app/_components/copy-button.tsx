'use client';

import { Check, Copy } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';

/** Copies `text` to the clipboard; where the browser refuses, says so and leaves the text to be selected. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
    if (!clipboard) {
      toast.error('This browser does not allow copying here: select the text and copy it.');
      return;
    }
    clipboard.writeText(text).then(
      () => {
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      },
      () => toast.error('This browser does not allow copying here: select the text and copy it.'),
    );
  };
  return (
    <button
      type="button"
      onClick={copy}
      aria-label={label}
      title={label}
      className="inline-flex shrink-0 items-center gap-1 rounded border border-slate-300 bg-white px-1.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50"
    >
      {copied ? <Check size={12} aria-hidden="true" /> : <Copy size={12} aria-hidden="true" />}
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
