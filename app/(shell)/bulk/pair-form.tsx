'use client';

import { useState } from 'react';
import { Button } from '../../_components/button';
import { useConnectionObjects, useObjectFields } from '../../_components/flow-editor/schema-queries';

/**
 * A load of any object pair: source connection and object, target connection and object (picked
 * from the connections' own lists), the target fields to write with the source field of each, and
 * the target field that finds a record the target already has. Field lists come from the same
 * schema look-ups as the flow editor's pickers; where a system lists nothing (a plain REST API),
 * the names are typed.
 */
export interface PairSpec {
  sourceObject: string;
  sourceIdField: string;
  sourceModifiedField: string;
  targetObject: string;
  fields: { target: string; source: string }[];
  matchBy: string;
}

type Connection = { id: string; name: string; kind: string };

const select = 'min-w-52 rounded-md border-0 px-3 py-2 text-sm ring-1 ring-slate-300';
const NOT_WRITTEN = '';
const STAMP_WHY = "Every write fills this column with the connection's integration identity, so the sync's own changes are told apart from people's. Choose a field only to write something else.";
const MODIFIED_GUESSES = ['updated_at', 'modifiedAt', 'modified_at', 'updatedAt', 'lastmodifieddate', 'LastModifiedDate', 'modifiedon'];

/** An object picker: the connection's objects, or a text box where it lists none. */
function ObjectPicker({ label, connectionId, value, onChange }: { label: string; connectionId: string; value: string; onChange: (v: string) => void }) {
  const objects = useConnectionObjects(connectionId || undefined);
  const list = objects.data?.objects ?? [];
  return (
    <label className="text-xs text-slate-600">
      {label}
      {objects.isLoading ? (
        <select aria-label={label} className={`${select} mt-1 block`} disabled>
          <option>Loading…</option>
        </select>
      ) : list.length > 0 ? (
        <select aria-label={label} className={`${select} mt-1 block`} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">Choose…</option>
          {list.map((o) => <option key={o.name} value={o.name}>{o.label}</option>)}
        </select>
      ) : (
        <input aria-label={label} className={`${select} mt-1 block`} placeholder="e.g. contacts" value={value} onChange={(e) => onChange(e.target.value.trim())} />
      )}
      {(objects.data?.problem ?? objects.data?.hint) && <span className="mt-1 block max-w-64 text-slate-500">{objects.data.problem ?? objects.data.hint}</span>}
    </label>
  );
}

function ConnectionPicker({ label, connections, value, onChange }: { label: string; connections: Connection[]; value: string; onChange: (v: string) => void }) {
  return (
    <label className="text-xs text-slate-600">
      {label}
      <select aria-label={label} className={`${select} mt-1 block`} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Choose…</option>
        {connections.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
      </select>
    </label>
  );
}

export function PairForm({ connections, pending, onStart }: { connections: Connection[]; pending: boolean; onStart: (input: { spec: PairSpec; sourceConnectionId: string; targetConnectionId: string }) => void }) {
  const [sourceId, setSourceId] = useState('');
  const [targetId, setTargetId] = useState('');
  const [sourceObject, setSourceObject] = useState('');
  const [targetObject, setTargetObject] = useState('');
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [matchChoice, setMatchChoice] = useState('');
  const [idChoice, setIdChoice] = useState('');
  const [modifiedChoice, setModifiedChoice] = useState('');
  const sourceFields = useObjectFields(sourceId || undefined, sourceObject || undefined);
  const targetFields = useObjectFields(targetId || undefined, targetObject || undefined);
  const sourceNames = (sourceFields.data?.fields ?? []).map((f) => f.name);
  const writable = (targetFields.data?.fields ?? []).filter((f) => !f.readOnly);
  const declaredSource = connections.find((c) => c.id === sourceId)?.kind === 'connector';

  // A target field is written from the source field of the same name unless chosen otherwise.
  const sourceOf = (target: string) => chosen[target] ?? (sourceNames.includes(target) && target !== 'id' ? target : NOT_WRITTEN);
  const fields = writable.map((f) => ({ target: f.name, source: sourceOf(f.name) })).filter((f) => f.source !== NOT_WRITTEN);
  const mapped = fields.map((f) => f.target);
  const matchBy = mapped.includes(matchChoice) ? matchChoice : (mapped.find((t) => t.toLowerCase() === 'email') ?? mapped[0] ?? '');
  const idField = idChoice || (sourceNames.includes('id') ? 'id' : (sourceNames[0] ?? 'id'));
  const modifiedField = modifiedChoice || (MODIFIED_GUESSES.find((g) => sourceNames.includes(g)) ?? '');
  const ready = sourceId && targetId && sourceObject && targetObject && fields.length > 0 && matchBy && (declaredSource || modifiedField);

  return (
    <div className="space-y-3" aria-label="Objects and fields">
      <div className="flex flex-wrap items-start gap-3">
        <ConnectionPicker label="Source connection" connections={connections} value={sourceId} onChange={(v) => { setSourceId(v); setSourceObject(''); }} />
        <ObjectPicker label="Source object" connectionId={sourceId} value={sourceObject} onChange={setSourceObject} />
        <ConnectionPicker label="Target connection" connections={connections.filter((c) => c.id !== sourceId)} value={targetId} onChange={(v) => { setTargetId(v); setTargetObject(''); }} />
        <ObjectPicker label="Target object" connectionId={targetId} value={targetObject} onChange={setTargetObject} />
      </div>
      {sourceObject && !declaredSource && sourceNames.length > 0 && (
        <div className="flex flex-wrap gap-3">
          <label className="text-xs text-slate-600">
            Source id field
            <select aria-label="Source id field" className={`${select} mt-1 block`} value={idField} onChange={(e) => setIdChoice(e.target.value)}>
              {sourceNames.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </label>
          <label className="text-xs text-slate-600">
            Source modified-at field
            <select aria-label="Source modified-at field" className={`${select} mt-1 block`} value={modifiedField} onChange={(e) => setModifiedChoice(e.target.value)}>
              <option value="">Choose…</option>
              {sourceNames.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </label>
        </div>
      )}
      {(sourceFields.data?.problem ?? targetFields.data?.problem) && <p className="text-sm text-red-700">{sourceFields.data?.problem ?? targetFields.data?.problem}</p>}
      {writable.length > 0 && (
        <table className="text-sm" aria-label="Field map">
          <thead>
            <tr className="text-left text-xs text-slate-500">
              <th className="pr-4 font-medium">Target field</th>
              <th className="font-medium">Written from</th>
            </tr>
          </thead>
          <tbody>
            {writable.map((f) => (
              <tr key={f.name}>
                <td className="py-1 pr-4 text-slate-800">
                  {f.name}{' '}
                  <span className="text-xs text-slate-500" title={f.stamp ? STAMP_WHY : undefined}>
                    {f.type}
                    {f.stamp ? ' · filled by Syncline' : f.required ? ' · required' : ''}
                  </span>
                </td>
                <td className="py-1">
                  <select aria-label={`Source of ${f.name}`} className={`${select} w-64`} value={sourceOf(f.name)} onChange={(e) => setChosen({ ...chosen, [f.name]: e.target.value })}>
                    <option value={NOT_WRITTEN}>{f.stamp ? '— the integration identity —' : '— not written —'}</option>
                    {sourceNames.map((n) => <option key={n} value={n}>{n}</option>)}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="flex flex-wrap items-end gap-3">
        <label className="text-xs text-slate-600">
          Match existing records by
          <select aria-label="Match existing records by" className={`${select} mt-1 block`} value={matchBy} onChange={(e) => setMatchChoice(e.target.value)}>
            {mapped.length === 0 && <option value="">Map a field first</option>}
            {mapped.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </label>
        <Button
          disabled={!ready || pending}
          onClick={() => onStart({ spec: { sourceObject, sourceIdField: idField, sourceModifiedField: modifiedField, targetObject, fields, matchBy }, sourceConnectionId: sourceId, targetConnectionId: targetId })}
        >
          Start load
        </Button>
      </div>
    </div>
  );
}
