/**
 * What the run-flow workflow uses of the flow engine and the node registry at run time. Never imported
 * as a value by workflow code: it is loaded once per worker through `shared-engine.ts`.
 */
export { executeFlow } from '../../flows-engine/interpreter';
export { TransientError, UnexpectedError, UserError } from '../../flows-engine/errors';
export { nodeRegistry } from '../../nodes/registry';
