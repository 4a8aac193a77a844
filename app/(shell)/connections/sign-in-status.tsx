'use client';

import type { ConnectorSummary } from '../../../domain/connectors/kit/catalog';
import { Button } from '../../_components/button';

/** What the server tells admins about a connection's OAuth sign-in (never a token). */
export interface SignInView {
  status: 'connected' | 'reconnect_needed';
  reason: string | null;
  connectedAt: Date;
}

/** True when the connection signs in with OAuth ("Connect") rather than a typed secret. */
export function signsInWithOAuth(catalog: readonly ConnectorSummary[] | undefined, kind: string, settings: Record<string, unknown>): boolean {
  if (kind !== 'connector') return false;
  const system = catalog?.find((c) => c.id === settings.connector);
  const method = system?.auth.find((a) => a.id === settings.authMethod) ?? system?.auth[0];
  return method?.type === 'oauth2AuthorizationCode';
}

/** The sign-in's state in a few words: connected, reconnect needed, or not connected yet. */
export function SignInBadge({ signIn }: { signIn: SignInView | null }) {
  if (!signIn) return <span data-testid="sign-in-status" className="rounded bg-amber-100 px-2 py-0.5 whitespace-nowrap text-amber-900">not connected</span>;
  if (signIn.status === 'reconnect_needed') {
    return (
      <span data-testid="sign-in-status" title={signIn.reason ?? undefined} className="rounded bg-red-100 px-2 py-0.5 whitespace-nowrap text-red-800">
        Reconnect needed
      </span>
    );
  }
  return <span data-testid="sign-in-status" className="rounded bg-emerald-100 px-2 py-0.5 whitespace-nowrap text-emerald-800">Connected</span>;
}

/** Connect / Reconnect: opens the system's own sign-in page (the browser comes back to the Connections page). */
export function ConnectButton({ signIn, busy, onConnect }: { signIn: SignInView | null; busy: boolean; onConnect: () => void }) {
  return (
    <Button variant={signIn?.status === 'connected' ? 'secondary' : 'primary'} disabled={busy} onClick={onConnect}>
      {signIn ? 'Reconnect' : 'Connect'}
    </Button>
  );
}

/** The sign-in box of the connection form: status, why a reconnect is needed, and the redirect URL to register. */
export function SignInSection({ signIn, saved, redirectUrl, busy, onConnect }: { signIn: SignInView | null; saved: boolean; redirectUrl?: string; busy: boolean; onConnect: () => void }) {
  return (
    <div className="space-y-2 rounded-md bg-slate-50 p-3 text-sm" aria-label="Sign-in">
      <div className="flex items-center justify-between gap-3">
        <span>
          <span className="font-medium text-slate-700">Sign-in:</span> <SignInBadge signIn={signIn} />
          {signIn?.status === 'connected' && <span className="ml-2 text-xs text-slate-500">since {signIn.connectedAt.toLocaleString()}</span>}
        </span>
        {saved ? <ConnectButton signIn={signIn} busy={busy} onConnect={onConnect} /> : <span className="text-xs text-slate-500">Create the connection, then Connect.</span>}
      </div>
      {signIn?.status === 'reconnect_needed' && signIn.reason && <p className="text-red-700">Why: {signIn.reason}.</p>}
      {redirectUrl && (
        <p className="text-xs text-slate-500">
          Redirect URL to register with your OAuth app: <code className="rounded bg-white px-1 py-0.5 text-slate-700 ring-1 ring-slate-200">{redirectUrl}</code>
        </p>
      )}
    </div>
  );
}
