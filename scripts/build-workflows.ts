/**
 * `npm run build` step: bundles the Temporal workflows once, so workers start without bundling
 * (see temporal/workflow-bundle.ts).
 */
import { WORKFLOW_BUNDLE_FILE, writeWorkflowBundle } from '../temporal/workflow-bundle';

const started = Date.now();
await writeWorkflowBundle();
console.log(`workflow bundle written to ${WORKFLOW_BUNDLE_FILE} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
