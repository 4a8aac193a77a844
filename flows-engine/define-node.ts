/**
 * The typed node builder. A node type is one declaration: identity, ports, config schema (with
 * editor hints in `.meta()`), and either a pure synchronous `run` or `effect: true`.
 */
import type { z } from 'zod';
import type { ConditionContext } from './condition-compile';
import type { Item } from './schema';

/** The palette group of a node. */
export const NodeGroup = { trigger: 'trigger', logic: 'logic', sync: 'sync', action: 'action' } as const;
/** @see {@link NodeGroup} */
export type NodeGroup = (typeof NodeGroup)[keyof typeof NodeGroup];

/** An item that stopped at a node, and why (Continue If records these). */
export interface SkippedItem {
  /** Index of the item in the node's input. */
  readonly index: number;
  readonly reason: string;
}

/**
 * What a pure `run` returns: items per output port, plus items that stopped here with a reason.
 *
 * @example
 * ```ts
 * const r: NodeRunResult<'kept' | 'dropped'> = { out: { kept: [], dropped: [] } };
 * ```
 */
export interface NodeRunResult<Out extends string> {
  readonly out: Record<Out, Item[]>;
  readonly skipped?: readonly SkippedItem[];
}

/**
 * A per-item JSONata expression embedded in a node's config (e.g. a Transform mapping). The
 * interpreter evaluates it for every input item BEFORE calling the synchronous `run`, which reads the
 * results through {@link NodeRunContext.itemValues}. This keeps `run` synchronous and pure even
 * though JSONata evaluation is asynchronous.
 */
export interface ItemExpression {
  /** Key under which `run` reads the values. */
  readonly key: string;
  readonly source: string;
  /** Where it sits in the config, for error messages (e.g. `mappings[2].source`). */
  readonly field: string;
}

/** What a pure `run` can see besides items and config. */
export interface NodeRunContext extends ConditionContext {
  /** Values of an {@link ItemExpression} by key, one per input item. */
  itemValues(key: string): readonly unknown[];
  /** The run's start time (ISO 8601). Never read the clock in `run`. */
  readonly now: string;
}

/** Arguments of a pure `run`. */
export interface NodeRunArgs<C> {
  readonly items: readonly Item[];
  readonly config: C;
  readonly ctx: NodeRunContext;
}

interface NodeDefinitionCommon<T extends string, In extends string, Out extends string, S extends z.ZodType> {
  /** Namespaced, never-renamed identity, e.g. `core.filter`. */
  readonly type: T;
  /** Bumped on any breaking config or behaviour change; old versions stay registered. */
  readonly version: number;
  readonly group: NodeGroup;
  readonly title: string;
  readonly description: string;
  /** Longer help shown in the side panel (plain text). */
  readonly help?: string;
  readonly ports: { readonly in: readonly In[]; readonly out: readonly Out[] };
  /** The schema of the RESOLVED config (after expressions are evaluated). */
  readonly config: S;
  /** Per-item expressions embedded in the config (see {@link ItemExpression}). */
  readonly itemExpressions?: (config: z.output<S>) => readonly ItemExpression[];
  /** For nodes that wait (Delay): how long, given the resolved config and the run start time. */
  readonly timer?: (config: z.output<S>, now: string) => { readonly delayMs: number };
  /**
   * Semantic checks beyond the schema (e.g. conditions that do not compile, unsafe patterns),
   * run at publish time on the literal config. Fields are paths inside the config.
   */
  readonly check?: (config: z.output<S>) => readonly { readonly field: string; readonly message: string }[];
  /**
   * Connection ids the config refers to outside top-level `widget: 'connection'` fields (which are
   * found automatically), e.g. the connection of an "is the integration account" condition.
   */
  readonly connectionRefs?: (config: z.output<S>) => readonly { readonly field: string; readonly connectionId: string }[];
  /** True for nodes that write records to another system (two-way flows need a loop guard). */
  readonly writesRecords?: boolean;
  /** True when this configured node stops changes made by the integration itself (loop guard). */
  readonly isLoopGuard?: (config: z.output<S>) => boolean;
}

/** A node whose work is a pure, synchronous function (runs inline in the workflow). */
export interface PureNodeDefinition<T extends string = string, In extends string = string, Out extends string = string, S extends z.ZodType = z.ZodType>
  extends NodeDefinitionCommon<T, In, Out, S> {
  readonly effect: false;
  run(args: NodeRunArgs<z.output<S>>): NodeRunResult<Out>;
}

/** A node with side effects: its work lives in `nodes/<name>/effect.ts` and runs as an activity. */
export interface EffectNodeDefinition<T extends string = string, In extends string = string, Out extends string = string, S extends z.ZodType = z.ZodType>
  extends NodeDefinitionCommon<T, In, Out, S> {
  readonly effect: true;
}

/** Any node definition. */
export type NodeDefinition<T extends string = string, In extends string = string, Out extends string = string, S extends z.ZodType = z.ZodType> =
  | PureNodeDefinition<T, In, Out, S>
  | EffectNodeDefinition<T, In, Out, S>;

/** A definition with its type parameters erased, for registries. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyNodeDefinition = NodeDefinition<string, string, string, any>;

/**
 * Declares a node type. The literal types of `type` and the port names are kept, so `run` must
 * return exactly the declared output ports and effects are typed per node.
 *
 * @example
 * ```ts
 * export const uppercaseNode = defineNode({
 *   type: 'core.uppercase', version: 1, group: 'logic', title: 'Uppercase', description: 'Uppercases a field',
 *   ports: { in: ['main'], out: ['main'] },
 *   config: z.object({ field: z.string().meta({ label: 'Field' }) }),
 *   effect: false,
 *   run: ({ items, config }) => ({ out: { main: items.map((i) => ({ json: { ...i.json, [config.field]: String(i.json[config.field]).toUpperCase() } })) } }),
 * });
 * ```
 */
export function defineNode<const T extends string, const In extends string, const Out extends string, S extends z.ZodType>(
  def: PureNodeDefinition<T, In, Out, S>,
): PureNodeDefinition<T, In, Out, S>;
export function defineNode<const T extends string, const In extends string, const Out extends string, S extends z.ZodType>(
  def: EffectNodeDefinition<T, In, Out, S>,
): EffectNodeDefinition<T, In, Out, S>;
export function defineNode(def: AnyNodeDefinition): AnyNodeDefinition {
  return Object.freeze(def);
}
