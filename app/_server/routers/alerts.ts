import { z } from 'zod';
import { AlertRuleFieldsSchema, CreateAlertChannelSchema, IdSchema, UpdateAlertChannelSchema, UpdateAlertRuleSchema } from '../../../domain/alerts/alert-schemas';
import {
  createAlertChannel,
  createAlertRule,
  deleteAlertChannel,
  deleteAlertRule,
  listAlertSetup,
  listDeliveries,
  listIncidents,
  updateAlertChannel,
  updateAlertRule,
} from '../../../domain/alerts/alert-service';
import { listNotifications, markNotificationsRead } from '../../../domain/alerts/notifications';
import { analystProcedure, router, viewerProcedure } from '../trpc/procedures';

const actorOf = (ctx: { workspace: { id: string; role: 'viewer' | 'analyst' | 'admin' }; user: { id: string } }) => ({
  workspaceId: ctx.workspace.id,
  userId: ctx.user.id,
  role: ctx.workspace.role,
});

/**
 * Alerts: everyone sees incidents and their notifications (the bell); analysts and admins manage
 * rules and webhook channels (channel URLs can carry tokens, so viewers do not see them) and see
 * deliveries. No procedure returns a channel secret.
 */
export const alertsRouter = router({
  incidents: viewerProcedure.query(({ ctx }) => listIncidents(ctx.db, ctx.workspace.id)),
  notifications: viewerProcedure.query(({ ctx }) => listNotifications(ctx.db, ctx.workspace.id, ctx.user.id)),
  markRead: viewerProcedure
    .input(z.object({ ids: z.union([z.literal('all'), z.array(z.uuid({ error: 'ids: not a notification id.' })).max(200)]) }))
    .mutation(({ ctx, input }) => markNotificationsRead(ctx.db, ctx.workspace.id, ctx.user.id, input.ids)),

  setup: analystProcedure.query(({ ctx }) => listAlertSetup(ctx.db, ctx.workspace.id)),
  deliveries: analystProcedure.query(({ ctx }) => listDeliveries(ctx.db, ctx.workspace.id)),
  createRule: analystProcedure.input(AlertRuleFieldsSchema).mutation(({ ctx, input }) => createAlertRule(ctx.db, actorOf(ctx), input)),
  updateRule: analystProcedure.input(UpdateAlertRuleSchema).mutation(({ ctx, input }) => updateAlertRule(ctx.db, actorOf(ctx), input)),
  deleteRule: analystProcedure.input(IdSchema).mutation(({ ctx, input }) => deleteAlertRule(ctx.db, actorOf(ctx), input.id)),
  createChannel: analystProcedure.input(CreateAlertChannelSchema).mutation(({ ctx, input }) => createAlertChannel(ctx.db, actorOf(ctx), input)),
  updateChannel: analystProcedure.input(UpdateAlertChannelSchema).mutation(({ ctx, input }) => updateAlertChannel(ctx.db, actorOf(ctx), input)),
  deleteChannel: analystProcedure.input(IdSchema).mutation(({ ctx, input }) => deleteAlertChannel(ctx.db, actorOf(ctx), input.id)),
});
