/**
 * A lookup of node definitions by `(type, version)`. Built from an explicit list (never a glob).
 */
import type { AnyNodeDefinition } from './define-node';

/** Read-only access to node definitions. */
export interface NodeRegistry {
  /** The definition of exactly this type and version, if registered. */
  get(type: string, version: number): AnyNodeDefinition | undefined;
  /** The highest registered version of a type. */
  latest(type: string): AnyNodeDefinition | undefined;
  /** Every registered definition, in registration order. */
  list(): readonly AnyNodeDefinition[];
}

/**
 * Builds a registry; throws on duplicate `(type, version)` because that is a programming error.
 *
 * @example
 * ```ts
 * const registry = createRegistry([filterNode, transformNode]);
 * registry.get('core.filter', 1)?.title; // 'Filter'
 * ```
 */
export function createRegistry(definitions: readonly AnyNodeDefinition[]): NodeRegistry {
  const byKey = new Map<string, AnyNodeDefinition>();
  const latest = new Map<string, AnyNodeDefinition>();
  for (const def of definitions) {
    const key = `${def.type}@${def.version}`;
    if (byKey.has(key)) throw new Error(`Node ${key} is registered twice`);
    byKey.set(key, def);
    const current = latest.get(def.type);
    if (!current || current.version < def.version) latest.set(def.type, def);
  }
  const list = Object.freeze([...definitions]);
  return {
    get: (type, version) => byKey.get(`${type}@${version}`),
    latest: (type) => latest.get(type),
    list: () => list,
  };
}
