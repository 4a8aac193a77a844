import type { ExternalIdRow, ExternalIdStore } from '../../nodes/effect-deps';

type LookupQuery = Parameters<ExternalIdStore['lookupMany']>[0];
type Found = Awaited<ReturnType<ExternalIdStore['lookupMany']>>;

/**
 * The external-ID store as the runs of ONE gathered effect activity share it (`runNodeEffects`): the
 * lookups they make in the same turn of the event loop for one workspace, object type and connection
 * become one query, and their saves one INSERT, instead of one statement per run. The runs of a
 * batch reach the same step at the same moment, so at c10 a lookup step costs one query, not ten.
 *
 * Each caller gets only its own ids back. A shared statement that fails is made again for each caller
 * on its own, at once, so one run's failure (its data, a fault that passes) is not its neighbours': only
 * a caller whose own statement fails gets an error. (A save is idempotent: saving rows again changes nothing.)
 *
 *   const store = coalescedExternalIds(createExternalIdStore(db));
 *   await Promise.all(runs.map((run) => store.lookupMany({ ...where, externalIds: run.ids }))); // one query
 */
export function coalescedExternalIds(store: ExternalIdStore): ExternalIdStore {
  /** After a shared statement failed: each caller's own statement (a lone caller already had it). */
  const alone = <W extends { resolve: (value: never) => void; reject: (error: unknown) => void }>(waiting: W[], error: unknown, own: (w: W) => Promise<unknown>) => {
    if (waiting.length === 1) return waiting[0]!.reject(error);
    for (const w of waiting) own(w).then(w.resolve as (value: unknown) => void, w.reject);
  };
  const lookups = new Map<string, { query: LookupQuery; waiting: { ids: readonly string[]; resolve: (found: Found) => void; reject: (error: unknown) => void }[] }>();
  let saves: { rows: readonly ExternalIdRow[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    for (const { query, waiting } of lookups.values()) {
      const ids = [...new Set(waiting.flatMap((w) => w.ids))];
      store.lookupMany({ ...query, externalIds: ids }).then(
        (found) => waiting.forEach((w) => w.resolve(new Map(w.ids.flatMap((id) => (found.has(id) ? [[id, found.get(id)!] as const] : []))))),
        (error: unknown) => alone(waiting, error, (w) => store.lookupMany({ ...query, externalIds: w.ids })),
      );
    }
    lookups.clear();
    if (saves.length === 0) return;
    const batch = saves;
    saves = [];
    store.saveMany(batch.flatMap((s) => s.rows)).then(
      () => batch.forEach((s) => s.resolve()),
      (error: unknown) => alone(batch, error, (s) => store.saveMany(s.rows)),
    );
  };
  // After every run of the activity has gone as far as it can without I/O: the callers of this turn are all in.
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };

  return {
    ...store,
    lookupMany(query) {
      if (query.externalIds.length === 0) return Promise.resolve(new Map());
      const key = `${query.workspaceId}\u0000${query.objectType}\u0000${query.connectionId}`;
      return new Promise<Found>((resolve, reject) => {
        const group = lookups.get(key) ?? { query, waiting: [] };
        group.waiting.push({ ids: query.externalIds, resolve, reject });
        lookups.set(key, group);
        schedule();
      });
    },
    saveMany(rows) {
      if (rows.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        saves.push({ rows, resolve, reject });
        schedule();
      });
    },
  };
}
