import type { InputHTMLAttributes } from 'react';
import { useId } from 'react';

/** A labelled input with its hint or error underneath, wired for screen readers. */
export function TextField({
  label,
  hint,
  error,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: string; error?: string }) {
  const id = useId();
  const describedBy = error || hint ? `${id}-note` : undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className="block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-brand-600 aria-invalid:ring-red-500"
        {...input}
      />
      {(error || hint) && (
        <p id={describedBy} className={error ? 'text-xs text-red-600' : 'text-xs text-slate-500'}>
          {error ?? hint}
        </p>
      )}
    </div>
  );
}
