/**
 * Static analysis of a JSONata AST: which node outputs an expression reads (`$nodes.<id>` or
 * ``$nodes.`<id>` ``) and whether it uses functions that would break determinism.
 */

/** What an expression refers to. */
export interface ExpressionRefs {
  /** Node ids read through `$nodes.<id>`. */
  readonly nodeIds: readonly string[];
  /** True when `$nodes` is used without a literal node id (cannot be checked statically). */
  readonly dynamicNodes: boolean;
  /** Non-deterministic functions used (`$random`, `$shuffle`), with their positions. */
  readonly forbiddenFunctions: readonly { name: string; position: number }[];
}

interface Walkable {
  readonly type?: unknown;
  readonly value?: unknown;
  readonly position?: unknown;
  readonly steps?: unknown;
  readonly procedure?: unknown;
}

/** Functions refused because their results would differ on a Temporal replay. */
export const NON_DETERMINISTIC_FUNCTIONS: ReadonlySet<string> = new Set(['random', 'shuffle']);

/**
 * Walks an AST (as returned by `jsonata(src).ast()`) and collects references.
 *
 * @example
 * ```ts
 * findExpressionRefs(jsonata('$nodes.lookup.found[0].id').ast()).nodeIds; // ['lookup']
 * ```
 */
export function findExpressionRefs(ast: unknown): ExpressionRefs {
  const nodeIds = new Set<string>();
  const forbiddenFunctions: { name: string; position: number }[] = [];
  let dynamicNodes = false;
  const seen = new Set<unknown>();
  const visit = (n: unknown, depth: number): void => {
    if (n === null || typeof n !== 'object' || seen.has(n) || depth > 500) return;
    seen.add(n);
    if (Array.isArray(n)) {
      for (const c of n) visit(c, depth + 1);
      return;
    }
    const node = n as Walkable;
    if (node.type === 'path' && Array.isArray(node.steps)) {
      const [first, second] = node.steps as Walkable[];
      if (first?.type === 'variable' && first.value === 'nodes') {
        if (second?.type === 'name' && typeof second.value === 'string') nodeIds.add(second.value);
        else dynamicNodes = true;
        seen.add(first);
      }
    } else if (node.type === 'variable' && node.value === 'nodes') {
      dynamicNodes = true;
    }
    if (node.type === 'function' || node.type === 'partial') {
      const proc = node.procedure as Walkable | undefined;
      if (proc?.type === 'variable' && typeof proc.value === 'string' && NON_DETERMINISTIC_FUNCTIONS.has(proc.value)) {
        forbiddenFunctions.push({ name: proc.value, position: typeof proc.position === 'number' ? proc.position : 0 });
      }
    }
    for (const key of Object.keys(node)) visit((node as Record<string, unknown>)[key], depth + 1);
  };
  visit(ast, 0);
  return { nodeIds: [...nodeIds].sort(), dynamicNodes, forbiddenFunctions };
}
