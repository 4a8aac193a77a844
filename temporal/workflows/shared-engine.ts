/**
 * The flow engine and node registry, evaluated once per worker instead of once per workflow.
 *
 * With `reuseV8Context` the SDK gives every workflow fresh instances of the bundle's modules; for
 * run-flow that meant re-running flows-engine's and every node definition's module code (hundreds of
 * zod schemas) for each run, a third of the workflow thread's CPU. Those modules cannot simply be
 * preloaded: the SDK deep-freezes preloaded modules, and a frozen zod schema fails on first use.
 * So this module alone is preloaded (see `workflow-bundle.ts`) and loads `engine.ts` on first use,
 * inside the first workflow, keeping it in a closure the freeze does not reach. Later workflows reuse it.
 *
 * Sharing is safe because what it holds is stateless for a run: node definitions, zod schemas and
 * pure functions; the only module state is flows-engine's caches of compiled expressions and parsed
 * paths, keyed by source text and giving the same result to every run (the web app shares them too).
 */
import type * as EngineModule from './engine';

type Engine = typeof EngineModule;

let engine: Engine | undefined;

export function sharedEngine(): Engine {
  // A synchronous, lazy load: webpack resolves it in the bundle, and a static import would be
  // evaluated (and frozen) with this module.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  engine ??= require('./engine') as Engine;
  return engine;
}
