/**
 * Validation findings. Messages are written for analysts, not developers.
 */

/** How bad an {@link Issue} is: errors block publishing, warnings do not. */
export const IssueSeverity = { error: 'error', warning: 'warning' } as const;
/** @see {@link IssueSeverity} */
export type IssueSeverity = (typeof IssueSeverity)[keyof typeof IssueSeverity];

/**
 * One problem found in a flow. `code` is stable (tests and the UI key on it); `message` is for people.
 *
 * @example
 * ```ts
 * const issue: Issue = { severity: 'error', code: 'edge.dangling', message: 'A connection points to a step that no longer exists' };
 * ```
 */
export interface Issue {
  readonly severity: IssueSeverity;
  readonly code: string;
  readonly nodeId?: string;
  readonly edgeId?: string;
  readonly field?: string;
  /** Character offset inside an expression. */
  readonly position?: number;
  readonly message: string;
}

/**
 * Builds an error-severity issue.
 *
 * @example
 * ```ts
 * errorIssue('flow.no-trigger', 'Add a trigger so the flow knows when to start');
 * ```
 */
export function errorIssue(code: string, message: string, where: Omit<Issue, 'severity' | 'code' | 'message'> = {}): Issue {
  return { severity: 'error', code, message, ...where };
}

/**
 * Builds a warning-severity issue.
 *
 * @example
 * ```ts
 * warningIssue('sync.no-loop-guard', 'This two-way flow may loop');
 * ```
 */
export function warningIssue(code: string, message: string, where: Omit<Issue, 'severity' | 'code' | 'message'> = {}): Issue {
  return { severity: 'warning', code, message, ...where };
}

/**
 * True when at least one issue blocks publishing.
 *
 * @example
 * ```ts
 * if (hasErrors(validateForPublish(flow, registry))) disablePublishButton();
 * ```
 */
export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}
