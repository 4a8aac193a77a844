import { env } from '../../../domain/platform/env';
import { metricsTokenMatches, renderRunMetrics } from '../../_server/metrics';

export const dynamic = 'force-dynamic';

/** Prometheus scrape endpoint, protected by `Authorization: Bearer $SYNCLINE_METRICS_TOKEN`. */
export async function GET(req: Request) {
  const token = env().SYNCLINE_METRICS_TOKEN;
  if (!token) return Response.json({ error: 'Metrics are off: set SYNCLINE_METRICS_TOKEN to enable /api/metrics.' }, { status: 404 });
  if (!metricsTokenMatches(req.headers.get('authorization'), token)) {
    return Response.json({ error: 'A valid bearer token is required.' }, { status: 401 });
  }
  const { contentType, body } = await renderRunMetrics();
  return new Response(body, { headers: { 'content-type': contentType } });
}
