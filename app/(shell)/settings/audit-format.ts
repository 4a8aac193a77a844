/**
 * The audit log in words: its stored action codes (`connection.secret-rotated`) and details
 * (`{"mappingsDeleted":3}`) are kept as they are (the API and exports use them); the Settings page shows
 * "Connection secret rotated" and "mappings deleted: 3".
 */

/** `alert_rule.created` → "Alert rule created"; a code without a dot is only de-hyphenated. */
export function describeAuditAction(action: string): string {
  const words = action.replace(/[._-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `{ mappingsDeleted: 3, name: "CRM" }` → "mappings deleted: 3 · name: CRM"; nested values stay JSON. */
export function describeAuditDetails(details: unknown): string {
  if (details === null || typeof details !== 'object' || Array.isArray(details)) return details === undefined || details === null ? '' : JSON.stringify(details);
  return Object.entries(details as Record<string, unknown>)
    .map(([key, value]) => `${keyInWords(key)}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' · ');
}

function keyInWords(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
}
