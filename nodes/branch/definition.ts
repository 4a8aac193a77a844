import { defineNode, type Item } from '../../flows-engine/index';
import { checkConditions, compileOrThrow, conditionConnectionRefs, ConditionsConfigSchema } from '../condition-config';

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
    const predicate = compileOrThrow(config);
    const yes: Item[] = [];
    const no: Item[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as Item;
      if (predicate(item.json, ctx) === undefined) yes.push(item);
      else no.push(item);
    }
    return { out: { true: yes, false: no } };
  },
});
