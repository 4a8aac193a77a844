'use client';

import JsonView from '@uiw/react-json-view';
import { useState } from 'react';
import { fieldLabelPath } from '../../../flows-engine/index';
import { nodeRegistry } from '../../../nodes/registry';
import { cellText, ItemsTable } from '../items-table';
import { ProblemDetails } from '../problem-details';
import { useEditor } from './store';

function Items({ title, items, total }: { title: string; items: readonly Record<string, unknown>[]; total: number }) {
  const [asJson, setAsJson] = useState(false);
  return (
    <section className="space-y-1.5" aria-label={title}>
      <div className="flex items-center justify-between">
        <h4 className="text-xs font-semibold text-slate-700">
          {title} <span className="font-normal text-slate-500">({total}{items.length < total ? `, first ${items.length} shown` : ''})</span>
        </h4>
        <button type="button" onClick={() => setAsJson(!asJson)} className="text-xs font-medium text-brand-700 hover:underline">
          {asJson ? 'Table' : 'JSON'}
        </button>
      </div>
      {asJson ? <JsonView value={items as object} collapsed={2} displayDataTypes={false} style={{ fontSize: 11 }} /> : <ItemsTable items={items} />}
    </section>
  );
}

type WouldSend = NonNullable<ReturnType<typeof useEditor.getState>['testRun']>['wouldSend'][string];

/** A dry run's would-be requests of one writing step: what it would do, where, how it matches, which fields. */
function WouldSendList({ requests, total }: { requests: WouldSend; total: number }) {
  return (
    <section aria-label="Would send" className="space-y-1.5">
      <h4 className="text-xs font-semibold text-slate-700">
        Would send <span className="font-normal text-slate-500">(dry run: nothing was written{requests.length < total ? `; first ${requests.length} of ${total} shown` : ''})</span>
      </h4>
      <ol className="space-y-2">
        {requests.map((r, i) => (
          <li key={i} className="rounded border border-slate-200 p-2 text-xs" data-testid="would-send">
            <p className="font-medium text-slate-800">
              {r.operation} <span className="font-normal text-slate-500">in</span> {r.connectionName ? `${r.connectionName} · ` : ''}
              <span className="font-mono">{r.target}</span>
            </p>
            <p className="mt-0.5 text-slate-600">{r.match ? `Matched by ${r.match}` : 'A new record: nothing to match'}</p>
            {r.fields !== null && typeof r.fields === 'object' && !Array.isArray(r.fields) ? (
              <table className="mt-1.5 w-full">
                <tbody>
                  {Object.entries(r.fields as Record<string, unknown>).map(([field, value]) => (
                    <tr key={field} className="border-t border-slate-100">
                      <th scope="row" className="py-0.5 pr-2 text-left font-medium whitespace-nowrap text-slate-600">
                        {field}
                      </th>
                      <td className="py-0.5 font-mono break-all text-slate-800">{cellText(value)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              r.fields !== null && <pre className="mt-1.5 overflow-x-auto rounded bg-slate-50 p-1.5 font-mono">{JSON.stringify(r.fields, null, 2)}</pre>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** A node's input and output in the last test run, skipped items with reasons, and its error. */
export function NodeOutput({ nodeId }: { nodeId: string }) {
  const trace = useEditor((s) => s.traceByNode[nodeId]);
  const hasRun = useEditor((s) => s.testRun !== null);
  const node = useEditor((s) => s.nodeIndex[nodeId]);
  const def = node ? nodeRegistry.get(node.type, node.typeVersion) : undefined;
  const ranAt = useEditor((s) => s.testRun?.ranAt);
  const wouldSend = useEditor((s) => s.testRun?.wouldSend?.[nodeId]);
  const wouldWrite = useEditor((s) => s.testRun?.wouldWrite[nodeId] ?? 0);
  if (!hasRun) return <p className="text-sm text-slate-500">Run a test (toolbar, “Test run”) to see what this step receives and sends on.</p>;
  if (!trace) return <p className="text-sm text-slate-500">This step was not part of the last test run.</p>;
  if (trace.status === 'skipped') {
    return <p className="text-sm text-slate-600">Not reached: {trace.skipReason === 'run-stopped' ? 'an earlier step failed and stopped the run.' : 'no items arrived here.'}</p>;
  }
  return (
    <div className="space-y-4" data-testid="node-output">
      {ranAt && <p className="text-xs text-slate-500">From the test run of {new Date(ranAt).toLocaleString()}.</p>}
      {trace.error && (
        <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          <p className="font-medium">This step failed{trace.error.field ? ` at “${def ? fieldLabelPath(def.config, trace.error.field) : trace.error.field}”` : ''}</p>
          <p>{trace.error.message}</p>
          <p className="mt-1 text-xs text-red-800">{trace.error.field ? 'Fix that setting on the Configure tab, then run the test again.' : 'Check this step’s settings and its input below, then run the test again.'}</p>
          <ProblemDetails lines={[trace.error.field && `field: ${trace.error.field}`, `kind: ${trace.error.category}`]} />
        </div>
      )}
      {wouldSend && wouldSend.length > 0 && <WouldSendList requests={wouldSend} total={wouldWrite} />}
      <Items title="Input" items={trace.inputSample} total={trace.itemsIn} />
      {Object.entries(trace.outputSample).map(([port, items]) => (
        <Items key={port} title={`Output${port === 'main' ? '' : ` “${port}”`}`} items={items} total={trace.itemsOut[port] ?? items.length} />
      ))}
      {trace.skippedCount > 0 && (
        <section aria-label="Skipped items" className="space-y-1.5">
          <h4 className="text-xs font-semibold text-slate-700">Skipped ({trace.skippedCount})</h4>
          <ul className="space-y-1">
            {trace.skipped.map((s) => (
              <li key={s.index} className="rounded bg-amber-50 px-2 py-1 text-xs text-amber-900">
                <span className="font-medium">Item {s.index + 1}:</span> {s.reason}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
