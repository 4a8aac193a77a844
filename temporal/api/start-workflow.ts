/**
 * Typed workflow starts: the workflow is named by a key of the workflow bundle's exports
 * (`temporal/workflows/index.ts`), and its arguments and result are typed from that function, so a
 * renamed workflow or a changed input is a compile error in every caller, web app and relay alike.
 * The workflows are imported as types only: their code never loads into the web app.
 *
 * @example
 * await startWorkflow(client, 'bulkLoadWorkflow', { workflowId, args: [{ jobId }] });
 */
import type { Client, WorkflowHandle, WorkflowStartOptions } from '@temporalio/client';
import type * as workflows from '../workflows/index';
import { env } from '../../domain/platform/env';
import { taskQueue } from './ids';

type Workflows = typeof workflows;
/** The workflows a client can start. */
export type WorkflowName = keyof Workflows;

export function startWorkflow<N extends WorkflowName>(
  client: Client,
  name: N,
  options: Omit<WorkflowStartOptions<Workflows[N]>, 'taskQueue'>,
): Promise<WorkflowHandle<Workflows[N]>> {
  return client.workflow.start<Workflows[N]>(name, { ...options, taskQueue: taskQueue(env()) } as WorkflowStartOptions<Workflows[N]>);
}
