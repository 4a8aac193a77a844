/**
 * How long the object and field pickers keep an answer about a connection's schema. A good answer is kept
 * (objects and fields change rarely; "Refresh fields" reads them again on demand). An answer that says the
 * system could not be read (a timeout, a refused connection) is not kept but asked again every few seconds,
 * so a passing failure of the system heals by itself instead of leaving the form without fields.
 */
export const SCHEMA_STALE_MS = 5 * 60_000;
export const SCHEMA_PROBLEM_RETRY_MS = 5_000;

interface SchemaQueryState {
  state: { data?: { problem?: string } };
}

export const schemaFreshness = {
  staleTime: (query: SchemaQueryState) => (query.state.data?.problem ? 0 : SCHEMA_STALE_MS),
  refetchInterval: (query: SchemaQueryState) => (query.state.data?.problem ? SCHEMA_PROBLEM_RETRY_MS : false),
} as const;
