import type { Item } from '../../flows-engine/index';

/**
 * A webhook body becomes the trigger's items: an object is one item, an array
 * of objects is one item each, anything else is wrapped as `{ value }`.
 */
export function itemsFromPayload(payload: unknown): Item[] {
  const asItem = (value: unknown): Item =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? { json: value as Record<string, unknown> } : { json: { value } };
  return Array.isArray(payload) ? payload.map(asItem) : [asItem(payload)];
}
