import { checkHealth } from '../../_server/health';

export const dynamic = 'force-dynamic';

/** 200 while PostgreSQL is up (also when Temporal or the worker is away: see `degraded`), 503 when it is not. */
export async function GET() {
  const report = await checkHealth();
  return Response.json(report, { status: report.status === 'down' ? 503 : 200 });
}
