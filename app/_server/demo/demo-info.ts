/**
 * What the shell needs to know about the demo in the current workspace: the demo systems' page URLs (from
 * the environment `npm start` passes) and the sample flows with their status, for the demo banner, the
 * first-run tour and the help menu. Null outside a demo workspace or without the demo systems.
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { connections, flows } from '../../../db/schema';
import { DEMO_FLOWS } from './seed-demo-workspace';
import { activeDemoElsewhere } from './shared-demo-guard';

export interface DemoInfo {
  /** The demo CRM's web page (edit contacts by hand), or null when not configured. */
  crmUrl: string | null;
  /** The demo helpdesk's web page, or null. */
  helpdeskUrl: string | null;
  /** The sample flows still in this workspace, in the order of DEMO_FLOWS. */
  sampleFlows: { key: keyof typeof DEMO_FLOWS; id: string; name: string; status: 'draft' | 'active' | 'paused' }[];
  /** Another demo workspace syncs the shared demo systems: this one's sample flows cannot be activated (shared-demo-guard.ts). */
  sharedElsewhere: boolean;
}

const pageUrl = (value: string | undefined) => value?.trim().replace(/\/+$/, '') || null;

/** A demo workspace is one connected to the demo CRM (the seed creates that connection; renaming keeps it). */
export async function demoInfoFor(db: Db, workspaceId: string, env: NodeJS.ProcessEnv = process.env): Promise<DemoInfo | null> {
  const crmUrl = pageUrl(env.DEMO_CRM_URL);
  const helpdeskUrl = pageUrl(env.DEMO_HELPDESK_URL);
  if (!crmUrl && !helpdeskUrl) return null;
  const [demoConnection] = await db
    .select({ id: connections.id })
    .from(connections)
    .where(and(eq(connections.workspaceId, workspaceId), eq(connections.kind, 'demo-crm')))
    .limit(1);
  if (!demoConnection) return null;
  const samples = Object.entries(DEMO_FLOWS) as [keyof typeof DEMO_FLOWS, (typeof DEMO_FLOWS)[keyof typeof DEMO_FLOWS]][];
  const rows = await db
    .select({ id: flows.id, name: flows.name, status: flows.status })
    .from(flows)
    .where(and(eq(flows.workspaceId, workspaceId), isNull(flows.archivedAt), inArray(flows.name, samples.map(([, s]) => s.name))));
  const sampleFlows = samples.flatMap(([key, sample]) => {
    const row = rows.find((r) => r.name === sample.name);
    return row ? [{ key, ...row }] : [];
  });
  return { crmUrl, helpdeskUrl, sampleFlows, sharedElsewhere: await activeDemoElsewhere(db, workspaceId) };
}
