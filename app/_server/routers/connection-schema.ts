import { z } from 'zod';
import { listConnectionObjects, listObjectFields } from '../../../domain/connectors/connection-schema';
import { analystProcedure, router } from '../trpc/procedures';

const ConnectionSchema = z.object({ connectionId: z.uuid({ error: 'connectionId: not a connection id.' }) });
const ObjectSchema = ConnectionSchema.extend({
  objectType: z.string({ error: 'objectType: enter the object.' }).min(1, 'objectType: enter the object.').max(200),
  refresh: z.boolean({ error: 'refresh: true or false.' }).optional(),
});

/**
 * Read-only: what a connection offers the editor's object and field pickers (tables or declared
 * objects, and an object's fields with their types). For those who build flows; never a secret.
 */
export const connectionSchemaRouter = router({
  objects: analystProcedure.input(ConnectionSchema).query(({ ctx, input }) => listConnectionObjects(ctx.db, { workspaceId: ctx.workspace.id, connectionId: input.connectionId })),
  fields: analystProcedure.input(ObjectSchema).query(({ ctx, input }) => listObjectFields(ctx.db, { workspaceId: ctx.workspace.id, ...input })),
});
