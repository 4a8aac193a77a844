/**
 * WORKER ONLY. Every effect, keyed by node type. Typed so that an effectful node without an effect
 * (or an effect for a pure node) is a compile error. Imported only by `temporal/activities` and by
 * server-side test runs — never by workflow code or the browser.
 */
import { UnexpectedError, type EffectRequest, type Item } from '../flows-engine/index';
import type { NodeEffect } from './define-effect';
import type { EffectContext, EffectDeps } from './effect-deps';
import type { EffectfulNodeDefinition, EffectfulNodeType } from './registry';
import { anonymiseRecordEffect } from './anonymise-record/effect';
import { deleteRecordEffect } from './delete-record/effect';
import { httpRequestEffect } from './http-request/effect';
import { lookupExternalIdEffect } from './lookup-external-id/effect';
import { saveExternalIdEffect } from './save-external-id/effect';
import { upsertRecordEffect } from './upsert-record/effect';

/** The effect map: one entry per effectful node type, no more, no less. */
export const nodeEffects = {
  'sync.lookup-external-id': lookupExternalIdEffect,
  'sync.save-external-id': saveExternalIdEffect,
  'sync.upsert-record': upsertRecordEffect,
  'sync.delete-record': deleteRecordEffect,
  'sync.anonymise-record': anonymiseRecordEffect,
  'http.request': httpRequestEffect,
} satisfies { [T in EffectfulNodeType]: NodeEffect<Extract<EffectfulNodeDefinition, { type: T }>> };

/**
 * Runs the effect of one node: what the worker's generic effect activity calls.
 *
 * @example
 * ```ts
 * const out = await runNodeEffect(request, { workspaceId, runId, attempt: Context.current().info.attempt }, deps);
 * ```
 */
export async function runNodeEffect(
  request: EffectRequest,
  context: Omit<EffectContext, 'nodeId' | 'idempotencyKey'> & { idempotencyKey?: string },
  deps: EffectDeps,
): Promise<Record<string, Item[]>> {
  const effect = (nodeEffects as Record<string, NodeEffect>)[request.type];
  if (!effect || effect.definition.version !== request.typeVersion) {
    throw new UnexpectedError(`No effect for ${request.type} version ${request.typeVersion}`);
  }
  return effect.run(
    {
      config: request.config,
      items: request.items,
      settings: request.settings,
      ctx: {
        ...context,
        nodeId: request.nodeId,
        idempotencyKey: context.idempotencyKey ?? `${context.runId}:${request.nodeId}`,
      },
    },
    deps,
  );
}
