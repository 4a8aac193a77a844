import type { Flow, Item } from '../flows-engine/index';

/**
 * The input of one flow run. Everything the run needs is in here (the
 * version's graph snapshot included), so a run never reads its flow from the
 * database mid-way and always executes the version it started with. No secrets:
 * connections are referenced by id and resolved inside activities.
 */
export interface RunFlowInput {
  runId: string;
  workspaceId: string;
  flowId: string;
  flowName: string;
  version: number;
  flow: Flow;
  trigger: { items: Item[]; payload: unknown };
  integrationIdentities: Record<string, string>;
  /** ISO time the run was accepted: the run's only notion of "now". */
  acceptedAt: string;
}

export interface RunFlowSummary {
  runId: string;
  status: 'succeeded' | 'failed';
  itemsIn: number;
  itemsOut: number;
  itemsSkipped: number;
  error?: { message: string; category: string; nodeId?: string };
}
