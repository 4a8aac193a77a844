import { z } from 'zod';
import { listAudit } from '../audit/audit-service';
import { adminProcedure, router } from '../trpc/procedures';

export const auditRouter = router({
  list: adminProcedure
    .input(
      z
        .object({
          targetType: z.enum(['connection', 'mapping', 'user', 'flow', 'alert_rule', 'alert_channel', 'workspace']).optional(),
          before: z.coerce.date({ error: 'before: not a date.' }).optional(),
          limit: z.number().int().min(1).max(200).default(50),
        })
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => listAudit(ctx.db, ctx.workspace.id, input)),
});
