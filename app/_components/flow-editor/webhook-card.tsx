'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../_lib/trpc/react';
import { CopyButton } from '../copy-button';
import { useEditor } from './store';
import { curlExample } from './webhook-curl';

const EXAMPLE_BODY = { id: '1', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' };

/** The literal value of one config field of the trigger, when it is a literal. */
function literal(config: Record<string, { kind: string; value?: unknown }> | undefined, key: string): unknown {
  const source = config?.[key];
  return source?.kind === 'literal' ? source.value : undefined;
}

/**
 * The webhook trigger's address, how deliveries are signed, a ready `curl` with copy buttons, and the
 * deliveries the intake refused lately (with their reason). Self-contained: the flow comes from the
 * editor's query and the trigger's settings from the store.
 */
export function WebhookCard({ flowId, nodeId }: { flowId: string; nodeId: string }) {
  const trpc = useTRPC();
  const flow = useQuery(trpc.flows.get.queryOptions({ flowId }));
  const connections = useQuery(trpc.connections.list.queryOptions(undefined, { staleTime: 30_000 }));
  const rejected = useQuery({ ...trpc.triggers.rejectedDeliveries.queryOptions({ flowId }), refetchInterval: 15_000 });
  const config = useEditor((s) => s.nodeIndex[nodeId]?.config) as Record<string, { kind: string; value?: unknown }> | undefined;
  const sample = useEditor((s) => s.doc.samples?.[nodeId]?.[0]);
  const hmac = literal(config, 'hmac') as { enabled?: boolean; header?: string } | undefined;
  const sourceId = literal(config, 'connectionId') as string | undefined;
  const sourceName = connections.data?.connections.find((c) => c.id === sourceId)?.name;
  const signed = hmac?.enabled === true;
  const header = hmac?.header ?? 'x-signature';
  const path = flow.data?.webhookPath;
  const url = path && typeof window !== 'undefined' ? `${window.location.origin}${path}` : null;

  return (
    <section aria-label="Webhook address" className="mb-5 space-y-3 border-b border-slate-200 pb-4 text-sm">
      <h3 className="text-sm font-semibold text-slate-900">Where to send events</h3>
      {url ? (
        <>
          <div className="flex items-center gap-2">
            <code data-testid="webhook-url" className="min-w-0 flex-1 truncate rounded bg-slate-100 px-2 py-1 text-xs text-slate-800" title={url}>
              {url}
            </code>
            <CopyButton text={url} label="Copy the webhook URL" />
          </div>
          {flow.data?.status !== 'active' && (
            <p className="text-xs text-amber-700">Deliveries are refused until the flow is published and active.</p>
          )}
          <p className="text-xs text-slate-600">
            {signed
              ? `Signed deliveries only: the sender puts “sha256=” and the HMAC-SHA256 of the body in the ${header} header, with the secret of the webhook source ${sourceName ? `“${sourceName}”` : '(choose one above)'}.`
              : 'The signature check is off: anyone who knows the address can send events. Turn it on above if the sender can sign.'}
          </p>
          <div className="space-y-1">
            <div className="flex items-center justify-between">
              <span className="text-xs font-medium text-slate-700">Try it with curl</span>
              <CopyButton text={curlExample({ url, body: sample ?? EXAMPLE_BODY, signatureHeader: signed ? header : null })} label="Copy the curl example" />
            </div>
            <pre data-testid="webhook-curl" className="overflow-x-auto rounded bg-slate-900 p-2 text-[11px] leading-relaxed text-slate-100">
              {curlExample({ url, body: sample ?? EXAMPLE_BODY, signatureHeader: signed ? header : null })}
            </pre>
          </div>
        </>
      ) : (
        <p className="text-xs text-slate-500">Analysts and admins see this flow’s webhook address here.</p>
      )}
      <div className="space-y-1">
        <h4 className="text-xs font-semibold text-slate-700">Refused deliveries</h4>
        {rejected.data && rejected.data.length > 0 ? (
          <ul aria-label="Refused deliveries" className="max-h-56 space-y-1 overflow-y-auto">
            {rejected.data.map((r) => (
              <li key={r.id} className="rounded bg-red-50 px-2 py-1 text-xs text-red-900">
                <span className="font-medium">{new Date(r.receivedAt).toLocaleString()}</span> · HTTP {r.status}: {r.reason}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-xs text-slate-500">{rejected.isLoading ? 'Loading…' : 'None lately: every delivery was accepted.'}</p>
        )}
      </div>
    </section>
  );
}
