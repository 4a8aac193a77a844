/**
 * Plausible dry-run outputs per effectful node type, for test runs in the editor: lookups find
 * nothing (so the "create" path is exercised), upserts pretend to create, the rest pass items on.
 * Safe everywhere (no I/O).
 */
import type { DryRunResponder, Item } from '../flows-engine/index';
import type { EffectfulNodeType } from './registry';

/**
 * Responders for `createDryRunEffectRunner({ registry: nodeRegistry, responders: dryRunResponders })`.
 *
 * @example
 * ```ts
 * const dry = createDryRunEffectRunner({ registry: nodeRegistry, responders: dryRunResponders });
 * ```
 */
export const dryRunResponders = {
  'sync.lookup-external-id': ({ items }) => ({ found: [], notFound: [...items] }),
  'sync.save-external-id': ({ items }) => ({ main: [...items] }),
  // Placeholder ids so later steps (Save external id) can run; what would be sent is in dry-run-requests.ts.
  'sync.upsert-record': ({ items }) => ({
    main: items.map((item: Item, i: number) => ({ json: { ...item.json, upserted: { externalId: `dry-run-${i + 1}`, created: true } } })),
  }),
  'sync.delete-record': ({ items }) => ({ main: [...items] }),
  'sync.anonymise-record': ({ items }) => ({ main: [...items] }),
  'http.request': ({ items }) => ({
    main: items.map((item: Item) => ({ json: { ...item.json, response: { status: 200, headers: {}, body: null } } })),
  }),
} satisfies { [T in EffectfulNodeType]: DryRunResponder };
