import { defineNode } from '../../flows-engine/index';
import { checkConditions, partitionByConditions, conditionConnectionRefs, ConditionsConfigSchema } from '../condition-config';

/** Sends matching items to `true` and the others to `false`. */
export const branchNode = defineNode({
  type: 'core.branch',
  version: 1,
  group: 'logic',
  title: 'Branch',
  description: 'Send items one way or the other',
  help: 'Items that match the conditions leave by "true", the others by "false".',
  ports: { in: ['main'], out: ['true', 'false'] },
  config: ConditionsConfigSchema,
  check: checkConditions,
  connectionRefs: conditionConnectionRefs,
  effect: false,
  run: ({ items, config, ctx }) => {
    const { matching, other } = partitionByConditions(items, config, ctx);
    return { out: { true: matching, false: other } };
  },
});
