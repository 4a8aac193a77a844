import { z } from 'zod';
import { anonymiseSubject } from '../../../domain/privacy/anonymise-subject';
import { adminProcedure, router } from '../trpc/procedures';

/** GDPR requests, for admins: erase a person from the synced systems and from Syncline. */
export const privacyRouter = router({
  anonymise: adminProcedure
    .input(z.object({ subject: z.string({ error: 'subject: enter an email address or a record id.' }).trim().min(3, 'subject: enter an email address or a record id.').max(320, 'subject: at most 320 characters.') }))
    .mutation(({ ctx, input }) => anonymiseSubject(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input)),
});
