/**
 * Converts zod issues into analyst-friendly messages with a dotted field path.
 */
import type { z } from 'zod';

/** A config problem located by field path (`mappings[0].target`). */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * Formats a zod path as `a.b[0].c`.
 *
 * @example
 * ```ts
 * formatPath(['mappings', 0, 'target']); // 'mappings[0].target'
 * ```
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

/**
 * One {@link FieldProblem} per zod issue, in plain words.
 *
 * @example
 * ```ts
 * const r = schema.safeParse(config);
 * if (!r.success) fieldProblems(r.error); // [{ field: 'url', message: 'This field is required' }]
 * ```
 */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return flatten(error.issues, []).map((issue) => ({ field: formatPath(issue.path), message: friendly(issue) }));
}

/**
 * A union failure ("rule or group?") is replaced by the issues of the option that came closest
 * (fewest issues), so the analyst sees "operator: Unknown operator" rather than "Invalid input".
 */
function flatten(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    const branches = issue.code === 'invalid_union' ? (issue as { errors?: z.core.$ZodIssue[][] }).errors : undefined;
    if (branches && branches.length > 0) {
      const best = branches.reduce((a, b) => (b.length < a.length ? b : a));
      if (best.length > 0) {
        out.push(...flatten(best, path));
        continue;
      }
    }
    out.push({ ...issue, path } as z.core.$ZodIssue);
  }
  return out;
}

function friendly(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined) return 'This field is required';
  if (issue.code === 'invalid_type') return `Expected ${issue.expected}`;
  if (issue.code === 'unrecognized_keys') return `Unknown setting(s): ${issue.keys.join(', ')}`;
  return issue.message;
}
