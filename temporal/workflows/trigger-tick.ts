/**
 * One tick of a flow's Temporal Schedule: records it (schedule trigger) or polls the source for
 * changes (poll trigger). Either way the activity only inserts inbox events, which the relay turns
 * into runs of active flows; nothing here starts a run itself.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { TriggerTickInput } from '../api/ids';

const { recordScheduleTick } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10, nonRetryableErrorTypes: ['UserError'] },
});

const { pollOnce } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: ['UserError'] },
});

/** The time this tick was scheduled for: stable across retries, so its inbox event is deduplicated. */
function scheduledAt(input: TriggerTickInput): string {
  if (input.scheduledAt) return input.scheduledAt;
  const info = workflowInfo();
  const attribute = info.searchAttributes?.TemporalScheduledStartTime?.[0];
  if (attribute instanceof Date) return attribute.toISOString();
  if (typeof attribute === 'string') return new Date(attribute).toISOString();
  // A scheduled workflow's id ends with its scheduled time (`tick-<flowId>-2024-05-01T12:00:00Z`).
  const suffix = /-(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)$/.exec(info.workflowId)?.[1];
  return suffix ? new Date(suffix).toISOString() : info.startTime.toISOString();
}

export async function triggerTickWorkflow(input: TriggerTickInput): Promise<{ events: number }> {
  if (input.kind === 'schedule') {
    const inserted = await recordScheduleTick({ workspaceId: input.workspaceId, flowId: input.flowId, nodeId: input.nodeId, scheduledAt: scheduledAt(input) });
    return { events: inserted ? 1 : 0 };
  }
  const outcome = await pollOnce({ workspaceId: input.workspaceId, flowId: input.flowId, nodeId: input.nodeId });
  return { events: outcome.events };
}
