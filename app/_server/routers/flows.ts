import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { flowVersions } from '../../../db/schema';
import { archiveOrDeleteFlow, duplicateFlow, exportFlowDoc, importFlowDoc, insertFlow, restoreVersion } from '../flows/flow-lifecycle';
import { diffRevisions, listFlows, listVersions } from '../flows/flow-queries';
import { sharedDemoRefusal } from '../demo/shared-demo-guard';
import { activeGraph, getFlowRow, publishFlow, saveDraft, setFlowStatus } from '../flows/flow-service';
import { revisionGraphs } from '../flows/revision-graphs';
import { fetchPollSample, listSampleSources, loadPastSample } from '../flows/sample-data';
import { lastTestRun, TestRunInputSchema, testRunDraft } from '../flows/test-run';
import { jsonObject } from '../trpc/inputs';
import { analystProcedure, router, viewerProcedure } from '../trpc/procedures';

const FlowIdSchema = z.object({ flowId: z.uuid('That is not a flow id.') });
const FlowNameSchema = z.string().trim().min(1, 'Give the flow a name.').max(120, 'Keep the name under 120 characters.');
const RevisionRefSchema = z.union([z.literal('draft'), z.number().int().min(1)]);

const actorOf = (ctx: { workspace: { id: string }; user: { id: string } }) => ({ workspaceId: ctx.workspace.id, userId: ctx.user.id });

export const flowsRouter = router({
  /** Every live flow with its trigger kind, last run, recent success rate and who changed it. */
  list: viewerProcedure.query(({ ctx }) => listFlows(ctx.db, ctx.workspace.id)),

  get: viewerProcedure.input(FlowIdSchema).query(async ({ ctx, input }) => {
    const flow = await getFlowRow(ctx.db, ctx.workspace.id, input.flowId);
    const versions = await ctx.db
      .select({ id: flowVersions.id, version: flowVersions.version, note: flowVersions.note, publishedAt: flowVersions.publishedAt })
      .from(flowVersions)
      .where(eq(flowVersions.flowId, flow.id))
      .orderBy(asc(flowVersions.version));
    // The last test run is read on its own (flows.lastTestRun): it can be large and the editor opens without it.
    const { webhookToken, lastTestRun: _lastTestRun, ...rest } = flow;
    // Why Activate / Resume would be refused (a second demo workspace), shown instead of the button.
    const latest = versions.at(-1);
    const activationRefusal = flow.status !== 'active' && latest ? await sharedDemoRefusal(ctx.db, ctx.workspace.id, await activeGraph(ctx.db, latest.id)) : null;
    // Only analysts and admins may see the webhook's secret path.
    return { ...rest, webhookPath: ctx.workspace.role === 'viewer' ? null : `/api/hooks/${webhookToken}`, versions, role: ctx.workspace.role, activationRefusal };
  }),

  create: analystProcedure
    .input(z.object({ name: FlowNameSchema }))
    .mutation(({ ctx, input }) => insertFlow(ctx.db, actorOf(ctx), { name: input.name, action: 'flow.created' })),

  duplicate: analystProcedure.input(FlowIdSchema).mutation(({ ctx, input }) => duplicateFlow(ctx.db, actorOf(ctx), input)),

  /** The draft as a shareable JSON document (no connection ids, no secrets). */
  export: viewerProcedure.input(FlowIdSchema).query(({ ctx, input }) => exportFlowDoc(ctx.db, actorOf(ctx), input)),

  import: analystProcedure
    .input(z.object({ document: jsonObject('a Syncline flow file'), name: FlowNameSchema.optional() }))
    .mutation(({ ctx, input }) => importFlowDoc(ctx.db, actorOf(ctx), input)),

  /** Archives a flow that has runs (history is kept), deletes one that has none. */
  archive: analystProcedure.input(FlowIdSchema).mutation(({ ctx, input }) => archiveOrDeleteFlow(ctx.db, actorOf(ctx), input)),

  saveDraft: analystProcedure
    .input(FlowIdSchema.extend({ draft: jsonObject('a flow draft'), baseRevision: z.number().int().min(1) }))
    .mutation(({ ctx, input }) => saveDraft(ctx.db, actorOf(ctx), input)),

  publish: analystProcedure
    .input(FlowIdSchema.extend({ note: z.string().max(500).default('') }))
    .mutation(({ ctx, input }) => publishFlow(ctx.db, actorOf(ctx), input)),

  setStatus: analystProcedure
    .input(FlowIdSchema.extend({ status: z.enum(['active', 'paused', 'draft']) }))
    .mutation(({ ctx, input }) => setFlowStatus(ctx.db, actorOf(ctx), input)),

  /** Version history with who published and their note. */
  versions: viewerProcedure.input(FlowIdSchema).query(({ ctx, input }) => listVersions(ctx.db, ctx.workspace.id, input.flowId)),

  /** Node / edge / field-level changes between two versions (or a version and the draft). */
  diff: viewerProcedure
    .input(FlowIdSchema.extend({ from: RevisionRefSchema, to: RevisionRefSchema }))
    .query(({ ctx, input }) => diffRevisions(ctx.db, ctx.workspace.id, input)),

  /** The two graphs of a comparison (with positions), drawn side by side in the versions dialog. */
  diffGraphs: viewerProcedure
    .input(FlowIdSchema.extend({ from: RevisionRefSchema, to: RevisionRefSchema }))
    .query(({ ctx, input }) => revisionGraphs(ctx.db, ctx.workspace.id, input)),

  restoreVersion: analystProcedure
    .input(FlowIdSchema.extend({ version: z.number().int().min(1), baseRevision: z.number().int().min(1) }))
    .mutation(({ ctx, input }) => restoreVersion(ctx.db, actorOf(ctx), input)),

  /** What test data can be taken from: the flow's recent runs (that kept their payload) and its last webhook event. */
  sampleSources: analystProcedure.input(FlowIdSchema).query(({ ctx, input }) => listSampleSources(ctx.db, ctx.workspace.id, input.flowId)),

  /** A past run's (or the last webhook event's) trigger payload as sample items. */
  pastSample: analystProcedure
    .input(
      FlowIdSchema.extend({
        source: z.discriminatedUnion('kind', [z.object({ kind: z.literal('run'), runId: z.uuid('That is not a run id.') }), z.object({ kind: z.literal('last-event') })]),
      }),
    )
    .query(({ ctx, input }) => loadPastSample(ctx.db, ctx.workspace.id, input)),

  /** A page read from a poll trigger's source (settings from the draft), without moving its cursor. Audited. */
  fetchTriggerSample: analystProcedure
    .input(FlowIdSchema.extend({ draft: jsonObject('a flow draft') }))
    .mutation(({ ctx, input }) => fetchPollSample(ctx.db, actorOf(ctx), input)),

  /** The draft's last test run (kept across reloads), or null. */
  lastTestRun: viewerProcedure.input(FlowIdSchema).query(({ ctx, input }) => lastTestRun(ctx.db, ctx.workspace.id, input.flowId)),

  /** Runs the editor's draft on sample items, dry by default; returns the per-node trace; keeps it as the last test run. */
  testRun: analystProcedure.input(TestRunInputSchema).mutation(({ ctx, input }) => testRunDraft(ctx.db, actorOf(ctx), input)),
});
