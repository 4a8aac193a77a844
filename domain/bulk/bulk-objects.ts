/**
 * What a bulk load can move, as data (workflow-safe, no I/O): each object names the collection on
 * each kind of system and the natural key that finds an existing target record before one is
 * created. The demo pair is CRM contacts (REST API) <-> helpdesk customers (PostgreSQL); the objectType
 * on each side is also the objectType of its external-ID mappings, the same the sample flows use, so
 * the live sync finds what a load mapped.
 */
export type BulkSideFamily = 'rest' | 'postgres';

export interface BulkSide {
  /** Collection (REST path segment or table) and the mapping objectType of records of this side. */
  readonly objectType: string;
  readonly idField: string;
  readonly modifiedField: string;
}

export interface BulkObject {
  readonly label: string;
  readonly sides: Readonly<Record<BulkSideFamily, BulkSide>>;
  /** Field of the TARGET that identifies the same real-world record (matched before creating). */
  readonly naturalKey: string;
}

export const BULK_OBJECTS = {
  contacts: {
    label: 'Contacts ⇄ customers (by email)',
    sides: {
      rest: { objectType: 'contacts', idField: 'id', modifiedField: 'modifiedAt' },
      postgres: { objectType: 'customers', idField: 'id', modifiedField: 'updated_at' },
    },
    naturalKey: 'email',
  },
} as const satisfies Record<string, BulkObject>;

export type BulkObjectKey = keyof typeof BULK_OBJECTS;

export function isBulkObjectKey(value: string): value is BulkObjectKey {
  return Object.hasOwn(BULK_OBJECTS, value);
}

/** The Temporal workflow id of a job's load (restarted under the same id after a pause). */
export function bulkLoadWorkflowId(jobId: string): string {
  return `bulk-${jobId}`;
}

export function bulkRollbackWorkflowId(jobId: string): string {
  return `bulk-rollback-${jobId}`;
}

/** Input of both bulk workflows: everything else is read from the job's row (never secrets in history). */
export interface BulkJobInput {
  jobId: string;
}
