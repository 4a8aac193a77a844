import { sql } from 'drizzle-orm';
import { users } from '../../../db/schema';
import { publicProcedure, router } from '../trpc/procedures';

export const setupRouter = router({
  /** True before anyone has signed up: the sign-up page then presents itself as the first-run setup. */
  status: publicProcedure.query(async ({ ctx }) => {
    const [row] = await ctx.db.select({ count: sql<number>`count(*)::int` }).from(users);
    return { firstRun: (row?.count ?? 0) === 0 };
  }),
});
