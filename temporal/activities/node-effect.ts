import { ApplicationFailure, Context } from '@temporalio/activity';
import { describeError, type EffectRequest, type Item } from '../../flows-engine/index';
import type { EffectDeps } from '../../nodes/effect-deps';
import { runNodeEffect } from '../../nodes/effects';

export interface NodeEffectRequest extends EffectRequest {
  workspaceId: string;
  runId: string;
}

export interface NodeEffectResult {
  ports: Record<string, Item[]>;
  attempt: number;
}

/** Details attached to a failed effect, so the workflow can record the attempt count and the field. */
export interface NodeEffectFailureDetails {
  attempt: number;
  category: string;
  field?: string;
}

/**
 * The one generic effect activity. The idempotency key is `runId:nodeId`, the
 * same on every attempt, so a retry never applies a side effect twice. Errors
 * are classified here: user errors are not retried, everything else is, with
 * the node's retry policy.
 */
export function createNodeEffectActivity(deps: EffectDeps) {
  return async function runEffect(request: NodeEffectRequest): Promise<NodeEffectResult> {
    const { attempt } = Context.current().info;
    try {
      const ports = await runNodeEffect(request, { workspaceId: request.workspaceId, runId: request.runId, attempt }, deps);
      return { ports, attempt };
    } catch (error) {
      const info = describeError(error);
      const details: NodeEffectFailureDetails = { attempt, category: info.category, ...(info.field ? { field: info.field } : {}) };
      throw ApplicationFailure.create({
        type: error instanceof Error ? error.name : 'Error',
        message: info.message,
        nonRetryable: info.category === 'user',
        details: [details],
      });
    }
  };
}
