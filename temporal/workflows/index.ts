// The workflow bundle's entry: every workflow the worker runs is exported here.
export { runFlowWorkflow } from './run-flow';
export { runFlowBatchWorkflow } from './run-flow-batch';
export { triggerTickWorkflow } from './trigger-tick';
export { bulkLoadWorkflow, bulkRollbackWorkflow } from './bulk-load';
