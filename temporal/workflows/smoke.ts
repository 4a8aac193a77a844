import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { databaseTime } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3 },
});

/** Smoke workflow: one activity round trip through the worker to PostgreSQL. */
export async function smokeWorkflow(greeting: string): Promise<{ greeting: string; databaseTime: string }> {
  return { greeting, databaseTime: await databaseTime() };
}
