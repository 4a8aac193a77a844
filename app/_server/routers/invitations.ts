import { z } from 'zod';
import { answerInvitation, invitationsFor, previewInvitation } from '../members/invitations';
import { authedProcedure, publicProcedure, router } from '../trpc/procedures';

const TokenSchema = z.string().trim().min(20, 'That invitation link is incomplete.').max(200, 'That invitation link is too long.');

/** An invitation by its id (the in-app prompt) or by its link's token: exactly one of them. */
const InvitationRefSchema = z
  .object({ invitationId: z.uuid('That is not an invitation id.').optional(), token: TokenSchema.optional() })
  .refine((ref) => Boolean(ref.invitationId) !== Boolean(ref.token), { message: 'Name the invitation, or open its link.', path: ['invitationId'] });

/** The invitee's side of invitations: what is waiting for the signed-in user, and their answer. */
export const invitationsRouter = router({
  /** Open invitations addressed to the signed-in user's e-mail: the in-app prompt. */
  mine: authedProcedure.query(({ ctx }) => invitationsFor(ctx.db, ctx.user)),

  /** What an invitation link shows before sign-in (the token is the link's secret). */
  preview: publicProcedure.input(z.object({ token: TokenSchema })).query(({ ctx, input }) => previewInvitation(ctx.db, input.token)),

  accept: authedProcedure.input(InvitationRefSchema).mutation(async ({ ctx, input }) => {
    const joined = await answerInvitation(ctx.db, ctx.user, input, 'accept');
    ctx.rememberWorkspace(joined.workspaceId); // land in the workspace just joined
    return joined;
  }),

  decline: authedProcedure.input(InvitationRefSchema).mutation(({ ctx, input }) => answerInvitation(ctx.db, ctx.user, input, 'decline')),
});
