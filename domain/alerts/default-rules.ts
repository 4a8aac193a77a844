/**
 * The alert rules every new workspace starts with, so a failure reaches the bell before anyone has
 * thought of setting alerts up: "Any run failed" (every flow, in-app). Admins can change or delete it
 * like any rule.
 */
import type { Db } from '../../db/client';
import { alertRules } from '../../db/schema';

export const DEFAULT_FAILURE_RULE_NAME = 'Any run failed';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Inserts the default rules, in the transaction that creates the workspace. */
export async function createDefaultAlertRules(tx: Db | Tx, workspace: { workspaceId: string; userId: string }): Promise<void> {
  await tx.insert(alertRules).values({
    workspaceId: workspace.workspaceId,
    flowId: null,
    name: DEFAULT_FAILURE_RULE_NAME,
    condition: 'run_failed',
    notifyInApp: true,
    enabled: true,
    createdBy: workspace.userId,
  });
}
