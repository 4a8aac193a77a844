/**
 * The dependencies effects run against. The worker implements them with PostgreSQL, HTTP and the
 * connectors; tests use in-memory fakes. Everything is batch-oriented (arrays of items) so one
 * activity makes one round trip per node, not one per item.
 *
 * Implementations must:
 * - be idempotent for a given `idempotencyKey` (Temporal may run an activity more than once);
 * - throw `TransientError` for things worth retrying (network, 5xx, 408, 429, locked rows) and
 *   `UserError` for things that are not (bad request, unknown object type, 4xx);
 * - resolve secrets themselves from the connection id: secrets never pass through these calls.
 */

/** Who and where an effect runs for. */
export interface EffectContext {
  readonly workspaceId: string;
  readonly runId: string;
  readonly nodeId: string;
  /**
   * Stable across Temporal's retries of this node and across operators' retries of the run:
   * `${originalRunId}:${nodeId}`, the original being the first run of the retry chain.
   */
  readonly idempotencyKey: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/** One row of the external-ID table. */
export interface ExternalIdRow {
  readonly workspaceId: string;
  readonly objectType: string;
  readonly connectionId: string;
  readonly externalId: string;
  readonly recordKey: string;
}

/** The external-ID table: `(workspace, objectType, connection, externalId) <-> recordKey`. */
export interface ExternalIdStore {
  /** Finds the record keys of many external ids at once; missing ids are absent from the map. */
  lookupMany(query: {
    readonly workspaceId: string;
    readonly objectType: string;
    readonly connectionId: string;
    readonly externalIds: readonly string[];
  }): Promise<Map<string, { readonly recordKey: string }>>;
  /** Inserts mappings; an existing identical row is not an error (idempotent). */
  saveMany(rows: readonly ExternalIdRow[]): Promise<void>;
  /**
   * Removes every mapping row in which one of these ids appears, as record key or as external id
   * (both directions of a two-way sync; GDPR anonymisation, deletes). Returns how many went.
   */
  forgetIds(query: { readonly workspaceId: string; readonly ids: readonly string[] }): Promise<number>;
}

/** A record to create or update in a target system. */
export interface UpsertRecordInput {
  /** When known (from the external-ID table), the target's id: update that record. */
  readonly externalId?: string;
  /** Otherwise, try to find the record by this field and value before creating it. */
  readonly naturalKey?: { readonly field: string; readonly value: unknown };
  /** Only the fields this flow may write. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** The target system's answer for one upserted record. */
export interface UpsertRecordResult {
  readonly externalId: string;
  readonly created: boolean;
  /** The matched record already held every value: nothing was written. */
  readonly unchanged?: boolean;
}

/** Talks to a connection's target system (REST API, PostgreSQL table, demo systems). */
export interface RecordGateway {
  /** Creates or updates records; results are in the same order as `records`. */
  upsertMany(request: {
    readonly connectionId: string;
    readonly objectType: string;
    readonly records: readonly UpsertRecordInput[];
    readonly idempotencyKey: string;
  }): Promise<readonly UpsertRecordResult[]>;
  /** Deletes records: `hard` removes, `soft` marks deleted, `flag` marks for review. Missing ids are ignored. */
  deleteMany(request: {
    readonly connectionId: string;
    readonly objectType: string;
    readonly externalIds: readonly string[];
    readonly mode: 'hard' | 'soft' | 'flag';
    readonly idempotencyKey: string;
  }): Promise<void>;
  /**
   * Reads records by id, as the system returns them (for conflict checks and anonymisation).
   * Missing ids are absent from the map.
   */
  readMany(request: {
    readonly connectionId: string;
    readonly objectType: string;
    readonly externalIds: readonly string[];
  }): Promise<Map<string, Record<string, unknown>>>;
  /** Overwrites the given fields of the records with anonymous values. */
  anonymiseMany(request: {
    readonly connectionId: string;
    readonly objectType: string;
    readonly externalIds: readonly string[];
    readonly fields: readonly string[];
    readonly idempotencyKey: string;
  }): Promise<void>;
}

/** An outgoing HTTP request (auth added from the connection by the implementation). */
export interface HttpRequest {
  readonly connectionId?: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly timeoutMs: number;
  readonly idempotencyKey: string;
}

/** The answer to an {@link HttpRequest}. Non-2xx statuses are returned, not thrown. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Sends HTTP requests (refusing private addresses unless the connection allows them). */
export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
}

/** Scrubs a data subject from Syncline's own records (run samples, step logs, inbox payloads). */
export interface PrivacyLog {
  /**
   * Erases, in the workspace's stored samples: every string containing one of `values` (the
   * person's name, email, phone…), and the personal fields of every object that carries one of
   * `subjectKeys` (the person's record ids). Returns how many stored rows changed.
   */
  scrubSubjects(request: {
    readonly workspaceId: string;
    readonly subjectKeys: readonly string[];
    readonly values: readonly string[];
  }): Promise<number>;
}

/** Everything effects may use. */
export interface EffectDeps {
  readonly externalIds: ExternalIdStore;
  readonly records: RecordGateway;
  readonly http: HttpClient;
  readonly privacy: PrivacyLog;
}
