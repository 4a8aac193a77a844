/**
 * The two CRM resources as data: JSON field <-> column, the zod schemas of writable fields, and the
 * SELECT list that renders a row as the API's JSON (camelCase, timestamps as ISO with microseconds, UTC).
 */
import { z } from 'zod';

export interface Resource {
  /** URL segment and table name. */
  name: 'contacts' | 'companies';
  /** Event type prefix: `contact.created`. */
  singular: 'contact' | 'company';
  /** Writable JSON field -> column. */
  columns: Record<string, string>;
  create: z.ZodType<Record<string, unknown>>;
  patch: z.ZodType<Record<string, unknown>>;
  /** The JSON fields that hold personal data (GDPR anonymisation clears them). */
  personal: string[];
  /** SELECT list producing the API JSON keys; a constant built from `columns`. */
  select: string;
}

const text = (max: number) => z.string().trim().max(max);
const optionalText = (max: number) => text(max).nullable().optional();
const email = z.string().trim().max(320).regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address like name@example.com');

// Rendered in SQL so microseconds survive (a JS Date would keep milliseconds only).
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function selectList(columns: Record<string, string>): string {
  const fields = Object.entries(columns).map(([json, column]) => `${column} AS "${json}"`);
  return ['id', ...fields, 'modified_by AS "modifiedBy"', `${iso('modified_at')} AS "modifiedAt"`, `${iso('deleted_at')} AS "deletedAt"`].join(', ');
}

const contactFields = {
  firstName: optionalText(200),
  lastName: optionalText(200),
  email: email.nullable().optional(),
  phone: optionalText(50),
  companyId: optionalText(100),
  tier: optionalText(50),
};
const contactColumns = { firstName: 'first_name', lastName: 'last_name', email: 'email', phone: 'phone', companyId: 'company_id', tier: 'tier' };

const companyColumns = { name: 'name', domain: 'domain' };

export const contacts: Resource = {
  name: 'contacts',
  singular: 'contact',
  columns: contactColumns,
  create: z.strictObject(contactFields),
  patch: z.strictObject(contactFields),
  personal: ['firstName', 'lastName', 'email', 'phone'],
  select: selectList(contactColumns),
};

export const companies: Resource = {
  name: 'companies',
  singular: 'company',
  columns: companyColumns,
  create: z.strictObject({ name: text(200).min(1, 'must not be empty'), domain: optionalText(253) }),
  patch: z.strictObject({ name: text(200).min(1, 'must not be empty').optional(), domain: optionalText(253) }),
  personal: [],
  select: selectList(companyColumns),
};

export const resources: Record<string, Resource> = { contacts, companies };

export const READ_ONLY_FIELDS = ['id', 'modifiedBy', 'modifiedAt', 'deletedAt'];

/** One readable sentence from a zod error: `email: must be an email address ...; tier: ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const readOnly = issue.keys.filter((k) => READ_ONLY_FIELDS.includes(k));
        const unknown = issue.keys.filter((k) => !READ_ONLY_FIELDS.includes(k));
        return [
          readOnly.length ? `read-only field(s) set by the server: ${readOnly.join(', ')}` : '',
          unknown.length ? `unknown field(s): ${unknown.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ');
      }
      return `${issue.path.join('.') || 'body'}: ${issue.message}`;
    })
    .join('; ');
}
