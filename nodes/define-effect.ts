/**
 * The effect builder: binds an effectful node definition to its worker-side implementation.
 * The config is re-validated against the node schema (activity input crosses a process boundary).
 */
import type { z } from 'zod';
import { fieldProblems, UserError, type EffectNodeDefinition, type Item, type NodeSettings } from '../flows-engine/index';
import type { EffectContext, EffectDeps } from './effect-deps';

/** What an effect implementation receives. */
export interface EffectInput<C> {
  readonly config: C;
  readonly items: readonly Item[];
  readonly settings: NodeSettings;
  readonly ctx: EffectContext;
}

/** Any effectful definition, type parameters erased. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEffectNodeDefinition = EffectNodeDefinition<string, string, string, any>;

/** An effect bound to its definition. */
export interface NodeEffect<D extends AnyEffectNodeDefinition = AnyEffectNodeDefinition> {
  readonly definition: D;
  run(input: EffectInput<unknown>, deps: EffectDeps): Promise<Record<string, Item[]>>;
}

type OutPorts<D> = D extends EffectNodeDefinition<string, string, infer Out, infer _S> ? Out : never;
type ConfigOf<D> = D extends EffectNodeDefinition<string, string, string, infer S> ? z.output<S> : never;

/**
 * Declares the implementation of an effectful node.
 *
 * @example
 * ```ts
 * export const deleteRecordEffect = defineEffect(deleteRecordNode, async ({ config, items, ctx }, deps) => {
 *   await deps.records.deleteMany({ ...config, externalIds: ids(items), idempotencyKey: ctx.idempotencyKey });
 *   return { main: [...items] };
 * });
 * ```
 */
export function defineEffect<D extends AnyEffectNodeDefinition>(
  definition: D,
  implementation: (input: EffectInput<ConfigOf<D>>, deps: EffectDeps) => Promise<Partial<Record<OutPorts<D>, Item[]>>>,
): NodeEffect<D> {
  return {
    definition,
    async run(input, deps) {
      const parsed = definition.config.safeParse(input.config);
      if (!parsed.success) {
        const first = fieldProblems(parsed.error)[0];
        throw new UserError(`The settings of ${definition.title} are not valid: ${first ? `${first.field}: ${first.message}` : 'unknown problem'}`, {
          nodeId: input.ctx.nodeId,
          ...(first ? { field: first.field } : {}),
        });
      }
      const out = await implementation({ ...input, config: parsed.data as ConfigOf<D> }, deps);
      return out as Record<string, Item[]>;
    },
  };
}
