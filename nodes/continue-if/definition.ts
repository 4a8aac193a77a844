import { defineNode, type Item, type SkippedItem } from '../../flows-engine/index';
import {
  checkConditions,
  compileOrThrow,
  conditionConnectionRefs,
  ConditionsConfigSchema,
  usesIntegrationAccountRule,
  type ConditionsConfig,
} from '../condition-config';

/**
 * Lets matching items go on; the others stop here and are recorded as skipped, with the reason.
 * The usual guard of a two-way sync: "changed by someone other than the integration account".
 */
export const continueIfNode = defineNode({
  type: 'core.continue-if',
  version: 1,
  group: 'logic',
  title: 'Continue if',
  description: 'Stop items that do not match, and record why',
  help: 'Use the preset "changed by someone other than the integration account" on every two-way sync, so the integration does not sync its own changes back.',
  ports: { in: ['main'], out: ['main'] },
  config: ConditionsConfigSchema,
  check: checkConditions,
  connectionRefs: conditionConnectionRefs,
  isLoopGuard: usesIntegrationAccountRule,
  effect: false,
  run: ({ items, config, ctx }) => {
    const predicate = compileOrThrow(config);
    const main: Item[] = [];
    const skipped: SkippedItem[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as Item;
      const reason = predicate(item.json, ctx);
      if (reason === undefined) main.push(item);
      else skipped.push({ index: i, reason });
    }
    return { out: { main }, skipped };
  },
});

/**
 * The preset "changed by someone other than the integration account".
 *
 * @example
 * ```ts
 * const config = notModifiedByIntegrationPreset({ connectionId: 'crm' }); // field modifiedBy
 * ```
 */
export function notModifiedByIntegrationPreset(options: { connectionId: string; field?: string }): ConditionsConfig {
  return {
    match: 'all',
    conditions: [{ field: options.field ?? 'modifiedBy', operator: 'isNotIntegrationAccount', connectionId: options.connectionId }],
  };
}
