import { z } from 'zod';
import { adminProcedure, router } from '../trpc/procedures';
import {
  browseMappings,
  deleteMapping,
  exportMappingsCsv,
  importMappingsCsv,
  mappingCounts,
  recordIds,
  updateMapping,
} from '../mappings/mapping-service';

const actorOf = (ctx: { workspace: { id: string }; user: { id: string } }) => ({ workspaceId: ctx.workspace.id, userId: ctx.user.id });
const Id = z.uuid({ error: 'id: not a mapping id.' });
const Text = (field: string) => z.string({ error: `${field}: enter a value.` }).trim().min(1, `${field}: enter a value.`).max(500, `${field}: at most 500 characters.`);
const Filter = z.object({ objectType: z.string().trim().max(200).optional(), connectionId: z.string().trim().max(200).optional() });

/** The external-ID table, for admins only. */
export const mappingsRouter = router({
  counts: adminProcedure.query(({ ctx }) => mappingCounts(ctx.db, ctx.workspace.id)),
  browse: adminProcedure
    .input(
      Filter.extend({
        search: z.string().trim().max(500).optional(),
        limit: z.number().int().min(1).max(500).default(50),
        offset: z.number().int().min(0).default(0),
      }),
    )
    .query(({ ctx, input }) => browseMappings(ctx.db, ctx.workspace.id, { ...input, search: input.search || undefined })),
  record: adminProcedure.input(z.object({ recordKey: Text('recordKey') })).query(({ ctx, input }) => recordIds(ctx.db, ctx.workspace.id, input.recordKey)),
  update: adminProcedure
    .input(z.object({ id: Id, externalId: Text('externalId'), recordKey: Text('recordKey') }))
    .mutation(({ ctx, input }) => updateMapping(ctx.db, actorOf(ctx), input)),
  delete: adminProcedure.input(z.object({ id: Id })).mutation(({ ctx, input }) => deleteMapping(ctx.db, actorOf(ctx), input.id)),
  exportCsv: adminProcedure.input(Filter).query(({ ctx, input }) => exportMappingsCsv(ctx.db, ctx.workspace.id, input)),
  importCsv: adminProcedure
    .input(z.object({ csv: z.string({ error: 'csv: choose a CSV file.' }).min(1, 'csv: the file is empty.').max(50_000_000, 'csv: at most 50 MB.') }))
    .mutation(({ ctx, input }) => importMappingsCsv(ctx.db, actorOf(ctx), input.csv)),
});
