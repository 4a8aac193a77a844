/**
 * The demo CRM's own database schema, plain SQL applied at every start (idempotent).
 *
 * Timestamps are timestamptz(6): the REST API exposes them with microseconds, and pagination cursors
 * compare them exactly, so nothing may be rounded on the way in or out.
 * Webhook events are written by the same transaction as the change (transactional outbox): a change is
 * never committed without its event, and an event never exists for a change that rolled back.
 */
import { applySchema, type Sql } from '../shared/database';

const DDL = `
CREATE TABLE IF NOT EXISTS companies (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  domain      text,
  modified_by text NOT NULL,
  modified_at timestamptz(6) NOT NULL DEFAULT now(),
  deleted_at  timestamptz(6)
);
CREATE INDEX IF NOT EXISTS companies_modified_at_id ON companies (modified_at, id);

CREATE TABLE IF NOT EXISTS contacts (
  id          text PRIMARY KEY,
  first_name  text,
  last_name   text,
  email       text,
  phone       text,
  company_id  text REFERENCES companies (id),
  tier        text,
  modified_by text NOT NULL,
  modified_at timestamptz(6) NOT NULL DEFAULT now(),
  deleted_at  timestamptz(6)
);
CREATE INDEX IF NOT EXISTS contacts_modified_at_id ON contacts (modified_at, id);

-- Idempotency-Key per caller: the first POST with a key records which record it created.
CREATE TABLE IF NOT EXISTS idempotency_keys (
  caller       text NOT NULL,
  key          text NOT NULL,
  resource     text NOT NULL,
  request_hash text NOT NULL,
  record_id    text NOT NULL,
  created_at   timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (caller, key)
);

CREATE TABLE IF NOT EXISTS webhook_subscriptions (
  id         text PRIMARY KEY,
  url        text NOT NULL,
  secret     text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz(6) NOT NULL DEFAULT now()
);

-- The outbox: one event per change, one delivery per (event, subscription) fanned out at write time.
CREATE TABLE IF NOT EXISTS webhook_events (
  id          uuid PRIMARY KEY,
  type        text NOT NULL,
  record_key  text NOT NULL,
  occurred_at timestamptz(6) NOT NULL,
  body        text NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id              bigserial PRIMARY KEY,
  event_id        uuid NOT NULL REFERENCES webhook_events (id),
  subscription_id text NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  record_key      text NOT NULL,
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz(6) NOT NULL DEFAULT now(),
  delivered_at    timestamptz(6),
  last_status     integer,
  last_error      text,
  created_at      timestamptz(6) NOT NULL DEFAULT now()
);
-- Pending deliveries by record: the dispatcher sends only the oldest pending one per (subscription, record).
CREATE INDEX IF NOT EXISTS webhook_deliveries_pending
  ON webhook_deliveries (subscription_id, record_key, id) WHERE delivered_at IS NULL;
CREATE INDEX IF NOT EXISTS webhook_deliveries_due
  ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL;
`;

// Arbitrary constant: the advisory lock serialising concurrent schema application on one database.
const SCHEMA_LOCK = 4_010_001;

export async function applyCrmSchema(sql: Sql): Promise<void> {
  await applySchema(sql, SCHEMA_LOCK, DDL);
}
