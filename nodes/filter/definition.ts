import { defineNode } from '../../flows-engine/index';
import { checkConditions, partitionByConditions, conditionConnectionRefs, ConditionsConfigSchema } from '../condition-config';

/** Keeps the items that match; the others leave by the `dropped` port. */
export const filterNode = defineNode({
  type: 'core.filter',
  version: 1,
  group: 'logic',
  title: 'Filter',
  description: 'Keep only the items that match',
  help: 'Items that match the conditions leave by "kept"; the others by "dropped" (connect it only if you need them).',
  ports: { in: ['main'], out: ['kept', 'dropped'] },
  config: ConditionsConfigSchema,
  check: checkConditions,
  connectionRefs: conditionConnectionRefs,
  effect: false,
  run: ({ items, config, ctx }) => {
    const { matching, other } = partitionByConditions(items, config, ctx);
    return { out: { kept: matching, dropped: other } };
  },
});
