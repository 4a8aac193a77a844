'use client';

import { ChevronDown } from 'lucide-react';
import { useId, useMemo, useState } from 'react';
import type { FieldOption, PickerWarning } from './form-model';
import { INPUT_CLASS } from './literal-input';

/** "email (text, required)": how a choice reads to a screen reader (and to tests). */
function describeOption(o: FieldOption): string {
  const facts = [o.type, o.required && 'required', o.readOnly && 'read-only'].filter(Boolean).join(', ');
  return `${o.name}${o.label && o.label !== o.name ? ` “${o.label}”` : ''}${facts ? ` (${facts})` : ''}`;
}

/**
 * A text box with a list to pick from: objects of a connection, fields with their types. Typing stays
 * allowed (a field the list does not know, an expression path), with a warning rather than a block.
 * The list opens on focus or with the arrow button and filters by what is typed.
 */
export function PickerInput({
  id,
  label,
  value,
  onChange,
  options,
  placeholder,
  warning,
  invalid,
  onPick,
}: {
  id?: string;
  label?: string;
  value: string;
  onChange: (v: string) => void;
  options: readonly FieldOption[];
  placeholder?: string;
  /** A note under the box when the value is not among the choices (only asked when there are choices). */
  warning?: PickerWarning;
  invalid?: boolean;
  /** Called instead of `onChange` when a choice is picked from the list. */
  onPick?: (v: string) => void;
}) {
  const ownId = useId();
  const inputId = id ?? ownId;
  const listId = `${inputId}-choices`;
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [filtering, setFiltering] = useState(false);
  const shown = useMemo(() => {
    if (!filtering || !value) return options;
    const needle = value.toLowerCase();
    return options.filter((o) => o.name.toLowerCase().includes(needle) || o.label?.toLowerCase().includes(needle));
  }, [options, value, filtering]);
  const known = options.some((o) => o.name === value);
  const note = value && options.length > 0 && !known && warning ? warning(value) : null;
  const pick = (o: FieldOption) => {
    (onPick ?? onChange)(o.name);
    setOpen(false);
    setFiltering(false);
  };
  // A value typed to exactly one of the choices closes the list (it would only cover what follows).
  const showList = open && shown.length > 0 && !(filtering && known);

  return (
    <div className="relative min-w-0">
      <div className="flex min-w-0 items-stretch">
        <input
          id={inputId}
          aria-label={label}
          role="combobox"
          aria-expanded={showList}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-invalid={invalid ? true : undefined}
          autoComplete="off"
          spellCheck={false}
          className={`${INPUT_CLASS} min-w-0 ${options.length > 0 ? 'rounded-r-none' : ''}`}
          value={value}
          placeholder={placeholder}
          onFocus={() => setOpen(value === '')}
          onClick={() => {
            setFiltering(false);
            setOpen(true);
          }}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onChange={(e) => {
            onChange(e.target.value);
            setFiltering(true);
            setOpen(true);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              setOpen(true);
              setActive((a) => Math.min(a + 1, shown.length - 1));
            } else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
            else if (e.key === 'Enter' && showList && shown[active]) pick(shown[active]);
            else if (e.key === 'Escape') setOpen(false);
            else return;
            e.preventDefault();
          }}
        />
        {options.length > 0 && (
          <button
            type="button"
            tabIndex={-1}
            aria-label="Show the choices"
            title="Show the choices"
            className="shrink-0 rounded-r-md px-1 text-slate-500 ring-1 ring-slate-300 ring-inset hover:bg-slate-100"
            onMouseDown={(e) => {
              e.preventDefault();
              setFiltering(false);
              setOpen((o) => !o);
            }}
          >
            <ChevronDown size={14} aria-hidden="true" />
          </button>
        )}
      </div>
      {showList && (
        <ul id={listId} role="listbox" aria-label="Choices" className="absolute z-30 mt-1 max-h-56 w-full min-w-48 overflow-auto rounded-md border border-slate-200 bg-white py-1 text-xs shadow-lg">
          {shown.map((o, i) => (
            <li
              key={o.name}
              role="option"
              aria-selected={o.name === value}
              aria-label={describeOption(o)}
              className={`flex cursor-pointer items-baseline gap-2 px-2.5 py-1 ${i === active ? 'bg-brand-50 text-brand-700' : 'text-slate-700'}`}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(o);
              }}
            >
              <span className="min-w-0 truncate font-mono">{o.name}</span>
              {o.label && o.label !== o.name && <span className="min-w-0 truncate text-slate-500">{o.label}</span>}
              <span className="ml-auto shrink-0 text-[10px] text-slate-400">
                {[o.type, o.required && 'required', o.readOnly && 'read-only'].filter(Boolean).join(' · ')}
              </span>
            </li>
          ))}
        </ul>
      )}
      {note && <p className="mt-0.5 text-xs text-amber-700">{note}</p>}
    </div>
  );
}
