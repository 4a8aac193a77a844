/** What a bulk load needs from the system it writes to: find by id or natural key, upsert a page, delete. */
export interface TargetRow {
  /** The target id: the mapped one, the one found by natural key, or the one a create will use. */
  readonly id: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface BulkTarget {
  /** The rows among `ids`, or whose natural key is among `keys`, with their natural key. */
  findExisting(ids: readonly string[], keys: readonly (string | null)[]): Promise<readonly { id: string; key: string | null }[]>;
  /** Creates or updates every row by id, as `identity`; rows whose natural key is taken by another record are not written. */
  upsert(rows: readonly TargetRow[], identity: string): Promise<{ written: string[]; conflicting: string[] }>;
  /** Deletes these records; missing ids are ignored. */
  remove(ids: readonly string[]): Promise<void>;
}

/** What writing one source page did (committed with the page's checkpoint). */
export interface PageOutcome {
  processed: number;
  created: number;
  updated: number;
  matched: number;
  skipped: number;
  createdRecords: { targetId: string; sourceId: string }[];
  mappings: { sourceId: string; targetId: string }[];
}
