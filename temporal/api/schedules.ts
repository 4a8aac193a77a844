/**
 * The Temporal Schedule of a flow whose trigger is a schedule or a poll (id `flow-<flowId>`). Each
 * action starts `triggerTickWorkflow`, which only ever inserts inbox events; the relay turns them
 * into runs of active flows. So a paused flow keeps its schedule ticking: its intake keeps storing
 * (changed records and the poll cursor advance) and the runs start on resume, exactly as for
 * webhooks; a schedule trigger's missed ticks fold into one waiting event (see recordScheduleTick),
 * so resuming makes one run. Deactivating deletes the schedule. Overlap SKIP: one poll of a flow at a
 * time; missed actions are caught up within a minute only (a Temporal outage does not replay a backlog).
 */
import { env } from '../../domain/platform/env';
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptions, type ScheduleUpdateOptions } from '@temporalio/client';
import { flowScheduleId, taskQueue, type TriggerTickInput } from './ids';
import type { TimedTrigger } from '../../domain/triggers/trigger-settings';

export function scheduleOptionsFor(input: { workspaceId: string; flowId: string; trigger: TimedTrigger }): ScheduleOptions {
  const { trigger } = input;
  const spec: ScheduleOptions['spec'] =
    trigger.kind === 'schedule' && trigger.config.mode === 'cron' && trigger.config.cron
      ? { cronExpressions: [trigger.config.cron], timezone: trigger.config.timezone }
      : { intervals: [{ every: (trigger.config.intervalSeconds ?? 60) * 1000 }] };
  const args: [TriggerTickInput] = [{ workspaceId: input.workspaceId, flowId: input.flowId, nodeId: trigger.nodeId, kind: trigger.kind }];
  return {
    scheduleId: flowScheduleId(input.flowId),
    spec,
    action: {
      type: 'startWorkflow',
      workflowType: 'triggerTickWorkflow',
      workflowId: `tick-${input.flowId}`,
      taskQueue: taskQueue(env()),
      args,
      workflowExecutionTimeout: '1 hour',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute', pauseOnFailure: false },
    memo: { workspaceId: input.workspaceId, flowId: input.flowId },
  };
}

/** Creates the flow's schedule, or updates it to the trigger's current settings (and unpauses it). */
export async function upsertFlowSchedule(client: Client, input: { workspaceId: string; flowId: string; trigger: TimedTrigger }): Promise<void> {
  const options = scheduleOptionsFor(input);
  const handle = client.schedule.getHandle(options.scheduleId);
  try {
    await handle.update((previous): ScheduleUpdateOptions => ({ ...previous, spec: options.spec, action: options.action, policies: options.policies, state: { paused: false } }));
    return;
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
  await client.schedule.create(options);
}

/** Deletes the flow's schedule; one that does not exist is what we wanted. */
export async function deleteFlowSchedule(client: Client, flowId: string): Promise<void> {
  try {
    await client.schedule.getHandle(flowScheduleId(flowId)).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}
