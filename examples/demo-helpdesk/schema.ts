/**
 * The demo helpdesk's database. Syncline reaches it as a plain PostgreSQL connection and polls it by
 * updated_at, so the database itself keeps updated_at honest: a trigger sets it to now() on every
 * insert and real update, whatever the writer sent. Writers set updated_by themselves (the integration
 * writes as `svc-sync`); that column is what loop prevention reads.
 */
import { applySchema, type Sql } from '../shared/database';

const DDL = `
CREATE TABLE IF NOT EXISTS customers (
  id                   text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  name                 text NOT NULL,
  email                text UNIQUE,
  phone                text,
  support_tier         text,
  updated_at           timestamptz(6) NOT NULL DEFAULT now(),
  updated_by           text NOT NULL,
  deleted_at           timestamptz(6),
  flagged_for_deletion boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS customers_updated_at_id ON customers (updated_at, id);

CREATE TABLE IF NOT EXISTS tickets (
  id          text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  customer_id text NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  subject     text NOT NULL,
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'closed')),
  updated_at  timestamptz(6) NOT NULL DEFAULT now(),
  updated_by  text NOT NULL
);
CREATE INDEX IF NOT EXISTS tickets_updated_at_id ON tickets (updated_at, id);
CREATE INDEX IF NOT EXISTS tickets_customer_id ON tickets (customer_id);

-- An UPDATE that changes nothing keeps its updated_at: a no-op write is not a change for pollers.
CREATE OR REPLACE FUNCTION helpdesk_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
    RETURN NEW;
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER customers_touch_updated_at BEFORE INSERT OR UPDATE ON customers
  FOR EACH ROW EXECUTE FUNCTION helpdesk_touch_updated_at();
CREATE OR REPLACE TRIGGER tickets_touch_updated_at BEFORE INSERT OR UPDATE ON tickets
  FOR EACH ROW EXECUTE FUNCTION helpdesk_touch_updated_at();
`;

// Arbitrary constant: the advisory lock serialising concurrent schema application on one database.
const SCHEMA_LOCK = 4_020_001;

export async function applyHelpdeskSchema(sql: Sql): Promise<void> {
  await applySchema(sql, SCHEMA_LOCK, DDL);
}
