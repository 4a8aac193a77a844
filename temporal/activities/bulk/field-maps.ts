/**
 * Source record -> target fields, per object and direction. Only the fields the source system owns
 * are written (the same split as the sample flows: the CRM owns name and email).
 */
import type { BulkObjectKey, BulkSideFamily } from '../../../domain/bulk/bulk-objects';

type FieldMap = (record: Readonly<Record<string, unknown>>) => Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null);

const crmContactToCustomer: FieldMap = (contact) => {
  const email = text(contact.email);
  const name = [text(contact.firstName), text(contact.lastName)].filter(Boolean).join(' ');
  // customers.name is NOT NULL: fall back to the email, then to a label naming the source record.
  return { name: name || email || `CRM contact ${String(contact.id)}`, email };
};

export const FIELD_MAPS: Partial<Record<`${BulkObjectKey}:${BulkSideFamily}->${BulkSideFamily}`, FieldMap>> = {
  'contacts:rest->postgres': crmContactToCustomer,
};
