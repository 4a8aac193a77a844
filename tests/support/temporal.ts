/**
 * Temporal for tests: the one dev server started by tests/setup/global-setup.ts (namespace `default`).
 *
 *   const env = await createTestWorkflowEnvironment();       // beforeAll
 *   const taskQueue = uniqueTaskQueue('flow-run');            // isolates this file's workers
 *   const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, ... });
 *   await worker.runUntil(env.client.workflow.execute(...));
 *   await env.teardown();                                     // afterAll (does not stop the shared server)
 */
import { randomBytes } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { inject } from 'vitest';

export function temporalAddress(): string {
  return inject('temporalAddress');
}

export function createTestWorkflowEnvironment(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer({ address: inject('temporalAddress'), namespace: 'default' });
}

/** A task queue name no other test file uses, e.g. `flow-run-test-3f9a1c2b`. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
