/**
 * Global setup of the `scale` project: the production Temporal server and its schema tool, found in the
 * cache or built with Go (scripts/temporal-server.ts; `.ci/run` builds them in a step of their own first).
 */
import { findTemporalServer } from '../../scripts/temporal-server';

export default async function setup(): Promise<void> {
  await findTemporalServer({ onProgress: (m) => process.stderr.write(`[temporal-server] ${m}\n`) });
}
