import { adminProcedure, router, viewerProcedure } from '../trpc/procedures';
import {
  connectionView,
  createConnection,
  getConnectionRow,
  listConnections,
  retireConnection,
  rotateConnectionSecret,
  updateConnection,
} from '../../../domain/connections/connection-service';
import { ConnectionIdSchema, CreateConnectionSchema, RotateSecretSchema, UpdateConnectionSchema } from '../../../domain/connections/schemas';
import { testConnection } from '../../../domain/connections/test-connection';
import { connectorCatalog } from '../../../domain/connectors/kit/catalog';
import { OpenApiSourceSchema, prefillFromOpenApi } from '../../../domain/connections/openapi-prefill';
import { flowsUsingConnection } from '../../../domain/connections/usage';
import { redirectUriFor, startSignIn } from '../../../domain/connections/oauth-sign-in';
import { publicUrl } from '../public-url';

const actorOf = (ctx: { workspace: { id: string }; user: { id: string } }) => ({ workspaceId: ctx.workspace.id, userId: ctx.user.id });

/**
 * Integration accounts. Everyone may list (the shape depends on the role: viewers get names only,
 * analysts what node pickers need); everything else is admin-only. No procedure returns a secret.
 */
export const connectionsRouter = router({
  list: viewerProcedure.query(({ ctx }) => listConnections(ctx.db, ctx.workspace.id, ctx.workspace.role)),
  /** The systems Syncline knows (declared connectors): the connection form's picker, object pickers. */
  catalog: viewerProcedure.query(() => connectorCatalog()),
  get: adminProcedure.input(ConnectionIdSchema).query(async ({ ctx, input }) => {
    const view = await connectionView(ctx.db, ctx.workspace.id, input.id);
    return { ...view, usedBy: await flowsUsingConnection(ctx.db, ctx.workspace.id, input.id) };
  }),
  create: adminProcedure.input(CreateConnectionSchema).mutation(({ ctx, input }) => createConnection(ctx.db, actorOf(ctx), input)),
  update: adminProcedure.input(UpdateConnectionSchema).mutation(({ ctx, input }) => updateConnection(ctx.db, actorOf(ctx), input)),
  rotateSecret: adminProcedure.input(RotateSecretSchema).mutation(({ ctx, input }) => rotateConnectionSecret(ctx.db, actorOf(ctx), input)),
  retire: adminProcedure.input(ConnectionIdSchema).mutation(({ ctx, input }) => retireConnection(ctx.db, actorOf(ctx), input.id)),
  /** The redirect URL to register with a system's OAuth app (shown by the connection form). */
  signInRedirectUrl: adminProcedure.query(() => redirectUriFor(publicUrl())),
  /** "Connect" / "Reconnect": the provider's authorize URL, for the browser to open. */
  startSignIn: adminProcedure
    .input(ConnectionIdSchema)
    .mutation(({ ctx, input }) => startSignIn(ctx.db, actorOf(ctx), { connectionId: input.id, redirectUri: redirectUriFor(publicUrl()) })),
  /** "Import OpenAPI document": a custom REST API's definition prefilled from a document (text or URL). */
  importOpenApi: adminProcedure.input(OpenApiSourceSchema).mutation(({ input }) => prefillFromOpenApi(input)),
  test: adminProcedure.input(ConnectionIdSchema).mutation(async ({ ctx, input }) => {
    await getConnectionRow(ctx.db, ctx.workspace.id, input.id); // 404 for another workspace's id
    return testConnection(ctx.db, { workspaceId: ctx.workspace.id, connectionId: input.id });
  }),
});
