/**
 * What the helpdesk's web page does to customers, as `helpdesk-agent`: list, create, edit, hard delete.
 * (Syncline does not use this: it reads and writes the tables directly.)
 */
import { z } from 'zod';
import type { Sql } from '../shared/database';
import { HttpError } from '../shared/http';

export const AGENT_USER = 'helpdesk-agent';

export interface Customer {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  supportTier: string | null;
  updatedAt: string;
  updatedBy: string;
  deletedAt: string | null;
  flaggedForDeletion: boolean;
  openTickets: number;
}

const optional = (max: number) => z.string().trim().max(max).nullable().optional();
const CustomerInput = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  email: z.string().trim().max(320).regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address').nullable().optional(),
  phone: optional(50),
  supportTier: optional(50),
});

const COLUMNS = `id, name, email, phone, support_tier AS "supportTier", updated_at::text AS "updatedAt",
  updated_by AS "updatedBy", deleted_at::text AS "deletedAt", flagged_for_deletion AS "flaggedForDeletion"`;

function parse(schema: z.ZodType<Record<string, unknown>>, body: unknown): Record<string, unknown> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, `invalid customer: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  const { supportTier, ...rest } = parsed.data;
  return Object.fromEntries(Object.entries({ ...rest, support_tier: supportTier }).filter(([, v]) => v !== undefined));
}

function translate(err: unknown): never {
  if ((err as { code?: string }).code === '23505') throw new HttpError(409, 'another customer already has this email');
  throw err;
}

export class CustomerStore {
  constructor(private readonly sql: Sql) {}

  async recent(limit = 100): Promise<{ rows: Customer[]; total: number }> {
    const { sql } = this;
    const [rows, [count]] = await Promise.all([
      sql<Customer[]>`
        SELECT ${sql.unsafe(COLUMNS)},
               (SELECT count(*)::int FROM tickets t WHERE t.customer_id = customers.id AND t.status <> 'closed') AS "openTickets"
        FROM customers ORDER BY updated_at DESC, id DESC LIMIT ${limit}`,
      sql<{ total: number }[]>`SELECT count(*)::int AS total FROM customers`,
    ]);
    return { rows, total: count?.total ?? 0 };
  }

  async create(body: unknown, user = AGENT_USER): Promise<Customer> {
    const row = { ...parse(CustomerInput, body), updated_by: user };
    const { sql } = this;
    const [created] = await sql<Customer[]>`INSERT INTO customers ${sql(row)} RETURNING ${sql.unsafe(COLUMNS)}, 0 AS "openTickets"`.catch(translate);
    return created!;
  }

  async update(id: string, body: unknown, user = AGENT_USER): Promise<Customer> {
    const columns = parse(CustomerInput.partial(), body);
    const { sql } = this;
    const [updated] = await sql<Customer[]>`
      UPDATE customers SET ${sql({ ...columns, updated_by: user })} WHERE id = ${id}
      RETURNING ${sql.unsafe(COLUMNS)}, 0 AS "openTickets"`.catch(translate);
    if (!updated) throw new HttpError(404, `customer "${id}" not found`);
    return updated;
  }

  /** A hard delete (tickets go with it): Syncline detects it by comparing its register of records. */
  async remove(id: string): Promise<void> {
    const rows = await this.sql`DELETE FROM customers WHERE id = ${id} RETURNING id`;
    if (rows.length === 0) throw new HttpError(404, `customer "${id}" not found`);
  }
}
