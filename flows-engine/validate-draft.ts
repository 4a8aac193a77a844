/**
 * Lenient draft validation: shape only, so half-finished drafts still autosave. Never throws.
 */
import { errorIssue, type Issue } from './issues';
import { FlowSchema } from './schema';
import { formatPath } from './zod-issues';

/**
 * Checks only the document's shape (types, required keys). Never throws, whatever the input.
 *
 * @example
 * ```ts
 * validateDraft({ schemaVersion: 1, id: 'f', name: 'x', nodes: [], edges: [] }); // []
 * validateDraft(42); // [{ severity: 'error', code: 'draft.shape', ... }]
 * ```
 */
export function validateDraft(input: unknown): Issue[] {
  try {
    const parsed = FlowSchema.safeParse(input);
    if (parsed.success) return [];
    return parsed.error.issues.slice(0, 200).map((i) => {
      const field = formatPath(i.path);
      return errorIssue('draft.shape', field ? `${field}: ${i.message}` : `The flow document is not valid: ${i.message}`, {
        ...(field ? { field } : {}),
      });
    });
  } catch (e) {
    return [errorIssue('draft.unreadable', `The flow document could not be read: ${e instanceof Error ? e.message : String(e)}`)];
  }
}
