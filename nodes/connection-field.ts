/**
 * The config field that holds a connection id. Marked with `widget: 'connection'` and the kinds
 * it accepts, so the editor shows a picker and publish validation checks the kind.
 */
import { z } from 'zod';

/** Every connection kind. */
export const CONNECTION_KINDS = ['rest', 'postgres', 'demo-crm', 'demo-helpdesk', 'webhook', 'connector', 'mysql'] as const;
/** One of {@link CONNECTION_KINDS}. */
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

/** Kinds that hold records a sync node can read and write. */
export const RECORD_CONNECTION_KINDS: readonly ConnectionKind[] = ['rest', 'postgres', 'demo-crm', 'demo-helpdesk', 'connector', 'mysql'];

/**
 * A required connection id field.
 *
 * @example
 * ```ts
 * z.object({ connectionId: connectionIdField({ label: 'System', kinds: RECORD_CONNECTION_KINDS }) });
 * ```
 */
export function connectionIdField(options: { label: string; help?: string; kinds: readonly ConnectionKind[] }) {
  return z
    .string({ error: 'Choose a connection' })
    .min(1, 'Choose a connection')
    .meta({ label: options.label, widget: 'connection', connectionKinds: [...options.kinds], ...(options.help ? { help: options.help } : {}) });
}
