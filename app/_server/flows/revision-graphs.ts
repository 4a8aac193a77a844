/**
 * The two graphs of a version comparison (nodes, edges and positions), for the side-by-side
 * canvases of the versions dialog; the field-level diff itself comes from `flows.diff`.
 */
import { FlowSchema, type Flow } from '../../../flows-engine/index';
import type { Db } from '../../../db/client';
import { versionGraph, type FlowRevisionRef } from './flow-queries';
import { getFlowRow } from './flow-service';

type Graph = Pick<Flow, 'nodes' | 'edges' | 'layout'>;

async function graphOf(db: Db, workspaceId: string, flowId: string, ref: FlowRevisionRef): Promise<Graph> {
  const flow = ref === 'draft' ? FlowSchema.parse((await getFlowRow(db, workspaceId, flowId)).draft) : await versionGraph(db, workspaceId, flowId, ref);
  return { nodes: flow.nodes, edges: flow.edges, layout: flow.layout };
}

export async function revisionGraphs(db: Db, workspaceId: string, input: { flowId: string; from: FlowRevisionRef; to: FlowRevisionRef }): Promise<{ before: Graph; after: Graph }> {
  await getFlowRow(db, workspaceId, input.flowId);
  const [before, after] = await Promise.all([graphOf(db, workspaceId, input.flowId, input.from), graphOf(db, workspaceId, input.flowId, input.to)]);
  return { before, after };
}
