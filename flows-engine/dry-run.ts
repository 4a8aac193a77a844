/**
 * A dry-run effect runner: records what effectful nodes WOULD do and returns plausible outputs
 * without touching any system. Used by the editor's test run and by tests.
 */
import type { EffectRequest, RunEffect } from './interpreter';
import type { NodeRegistry } from './node-registry';
import type { Item } from './schema';

/** One recorded would-be effect. */
export interface DryRunWrite {
  readonly nodeId: string;
  readonly type: string;
  readonly typeVersion: number;
  readonly config: unknown;
  readonly items: readonly Item[];
}

/** Decides the outputs of one effectful node type in a dry run. */
export type DryRunResponder = (request: EffectRequest) => Record<string, Item[]>;

/** A dry-run runner and the log of what it was asked to do. */
export interface DryRunEffectRunner {
  readonly runEffect: RunEffect;
  readonly writes: readonly DryRunWrite[];
}

/**
 * Creates a runner. Without a responder for a type, items pass through unchanged on the node's
 * first output port.
 *
 * @example
 * ```ts
 * const dry = createDryRunEffectRunner({ registry: nodeRegistry });
 * await executeFlow({ ...input, runEffect: dry.runEffect });
 * dry.writes.map((w) => `${w.type}: ${w.items.length} items`);
 * ```
 */
export function createDryRunEffectRunner(
  options: { registry?: NodeRegistry; responders?: Readonly<Record<string, DryRunResponder>> } = {},
): DryRunEffectRunner {
  const writes: DryRunWrite[] = [];
  const runEffect: RunEffect = async (request) => {
    writes.push({
      nodeId: request.nodeId,
      type: request.type,
      typeVersion: request.typeVersion,
      config: request.config,
      items: request.items,
    });
    const responder = options.responders?.[request.type];
    if (responder) return responder(request);
    const port = options.registry?.get(request.type, request.typeVersion)?.ports.out[0] ?? 'main';
    return { [port]: [...request.items] };
  };
  return { runEffect, writes };
}
