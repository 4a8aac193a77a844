/**
 * SERVER ONLY. "Capture a live sample" of a webhook trigger, from the editor's side: open a capture,
 * ask where it stands (the editor asks every second while it shows "Waiting…"), cancel it. The capture
 * itself is domain/inbox/sample-capture.ts; this adds the workspace check and turns the captured
 * delivery into sample items.
 */
import 'server-only';
import type { Db } from '../../../db/client';
import { cancelCapture, openCapture, readCapture } from '../../../domain/inbox/sample-capture';
import { getFlowRow, type Actor } from './flow-service';
import { toSample, type Sample } from './sample-data';

export type CaptureView = { state: 'idle' | 'expired' } | { state: 'waiting'; expiresAt: Date } | { state: 'captured'; sample: Sample };

export async function startSampleCapture(db: Db, actor: Actor, flowId: string): Promise<CaptureView> {
  const flow = await getFlowRow(db, actor.workspaceId, flowId);
  const { expiresAt } = await openCapture(db, { workspaceId: actor.workspaceId, flowId: flow.id, userId: actor.userId });
  return { state: 'waiting', expiresAt };
}

export async function sampleCaptureStatus(db: Db, workspaceId: string, flowId: string): Promise<CaptureView> {
  const flow = await getFlowRow(db, workspaceId, flowId);
  const capture = await readCapture(db, { workspaceId, flowId: flow.id });
  if (capture.state !== 'captured') return capture;
  return { state: 'captured', sample: toSample(capture.payload, `the delivery of ${capture.receivedAt.toISOString()}`) };
}

export async function stopSampleCapture(db: Db, workspaceId: string, flowId: string): Promise<void> {
  const flow = await getFlowRow(db, workspaceId, flowId);
  await cancelCapture(db, { workspaceId, flowId: flow.id });
}
