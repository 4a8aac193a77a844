'use client';

import { DEFAULT_NODE_SETTINGS, type FlowNode, type NodeSettings } from '../../../flows-engine/index';
import { INPUT_CLASS } from './literal-input';
import { useEditor } from './store';

function NumberRow({ id, label, help, value, onChange, min }: { id: string; label: string; help?: string; value: number; onChange: (n: number) => void; min: number }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-700">
        {label}
      </label>
      <input id={id} type="number" min={min} className={INPUT_CLASS} value={value} onChange={(e) => e.target.value !== '' && onChange(Math.max(min, Number(e.target.value)))} />
      {help && <p className="text-xs text-slate-500">{help}</p>}
    </div>
  );
}

/** Retries, timeout and what happens on error: the same for every node type. */
export function NodeSettingsForm({ node, effectful }: { node: FlowNode; effectful: boolean }) {
  const updateNode = useEditor((s) => s.updateNode);
  const settings: NodeSettings = { ...DEFAULT_NODE_SETTINGS, ...node.settings, retry: { ...DEFAULT_NODE_SETTINGS.retry, ...node.settings?.retry } };
  const set = (patch: Partial<NodeSettings>) => updateNode(node.id, { settings: { ...settings, ...patch } });
  const id = (k: string) => `setting-${node.id}-${k}`;
  return (
    <div className="space-y-4">
      <div className="space-y-1">
        <label htmlFor={id('onError')} className="text-sm font-medium text-slate-700">
          When this step fails
        </label>
        <select id={id('onError')} className={INPUT_CLASS} value={settings.onError} onChange={(e) => set({ onError: e.target.value as NodeSettings['onError'] })}>
          <option value="fail">Stop the run</option>
          <option value="continue">Record the error and go on</option>
          <option value="route">Send the items to an “error” output</option>
        </select>
      </div>
      {effectful ? (
        <>
          <NumberRow id={id('attempts')} label="Attempts" min={1} help="How often a failed request to another system is tried (temporary failures only)." value={settings.retry.maximumAttempts} onChange={(n) => set({ retry: { ...settings.retry, maximumAttempts: Math.min(100, n) } })} />
          <NumberRow id={id('interval')} label="First retry after (ms)" min={0} value={settings.retry.initialIntervalMs} onChange={(n) => set({ retry: { ...settings.retry, initialIntervalMs: n } })} />
          <NumberRow id={id('backoff')} label="Backoff factor" min={1} help="Each wait is this many times longer than the previous one." value={settings.retry.backoffCoefficient} onChange={(n) => set({ retry: { ...settings.retry, backoffCoefficient: Math.min(10, n) } })} />
          <NumberRow id={id('maxInterval')} label="Longest wait between retries (ms)" min={0} value={settings.retry.maximumIntervalMs} onChange={(n) => set({ retry: { ...settings.retry, maximumIntervalMs: n } })} />
          <NumberRow id={id('timeout')} label="Timeout per attempt (ms)" min={1} value={settings.timeoutMs} onChange={(n) => set({ timeoutMs: Math.min(86_400_000, n) })} />
        </>
      ) : (
        <p className="text-xs text-slate-500">This step runs inside the flow without calling other systems, so it has no retries or timeout.</p>
      )}
    </div>
  );
}
