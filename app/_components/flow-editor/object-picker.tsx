'use client';

import { RefreshCw } from 'lucide-react';
import { useState } from 'react';
import { PickerInput } from './picker-input';
import { useConnectionObjects, useRefreshFields } from './schema-queries';

/**
 * The object (table, declared object) a step reads or writes, picked from the step's connection:
 * PostgreSQL tables, a declared system's objects; for a REST API, typed, with a hint. "Refresh fields"
 * reads the chosen object's fields again (custom fields added in the system since).
 */
export function ObjectPicker({ id, connectionId, value, onChange, invalid }: { id: string; connectionId: string | undefined; value: string; onChange: (v: string | undefined) => void; invalid?: boolean }) {
  const objects = useConnectionObjects(connectionId);
  const refresh = useRefreshFields();
  const [refreshing, setRefreshing] = useState(false);
  const data = objects.data;
  const options = (data?.objects ?? []).map((o) => ({ name: o.name, ...(o.label !== o.name ? { label: o.label } : {}) }));
  const note = !connectionId
    ? 'Choose the connection first to pick one of its objects.'
    : objects.isLoading
      ? 'Loading the objects…'
      : (data?.problem ?? data?.hint ?? null);
  return (
    <div className="space-y-1">
      <PickerInput
        id={id}
        value={value}
        onChange={(v) => onChange(v === '' ? undefined : v)}
        options={options}
        invalid={invalid}
        placeholder={options.length > 0 ? 'Choose…' : 'e.g. contacts'}
        warning={(v) => `“${v}” is not an object of ${data?.connectionName ? `“${data.connectionName}”` : 'this connection'}.`}
      />
      <div className="flex items-start justify-between gap-2">
        {note && <p className={`text-xs ${data?.problem ? 'text-amber-700' : 'text-slate-500'}`}>{note}</p>}
        {connectionId && value && (
          <button
            type="button"
            disabled={refreshing}
            className="ml-auto inline-flex shrink-0 items-center gap-1 text-xs font-medium text-brand-700 hover:underline disabled:opacity-50"
            onClick={() => {
              setRefreshing(true);
              void refresh(connectionId, value).finally(() => setRefreshing(false));
            }}
          >
            <RefreshCw size={11} aria-hidden="true" className={refreshing ? 'animate-spin' : ''} /> Refresh fields
          </button>
        )}
      </div>
    </div>
  );
}
