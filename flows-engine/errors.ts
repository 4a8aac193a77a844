/**
 * Error classification shared by the engine, the node effects and the worker.
 *
 * - {@link UserError}: bad config or bad input. Shown to the analyst, never retried
 *   (the worker turns it into `ApplicationFailure.nonRetryable`).
 * - {@link TransientError}: network trouble, 5xx, 408, 429, locked records. Retried with the
 *   node's retry policy.
 * - {@link UnexpectedError}: a bug. Reported.
 */

/** The category recorded in traces and run steps. */
export const ErrorCategory = { user: 'user', transient: 'transient', unexpected: 'unexpected' } as const;
/** @see {@link ErrorCategory} */
export type ErrorCategory = (typeof ErrorCategory)[keyof typeof ErrorCategory];

/** Where in a flow an error happened (all optional: not every error has a location). */
export interface ErrorLocation {
  readonly nodeId?: string;
  readonly field?: string;
  /** Character offset inside an expression, when the error comes from one. */
  readonly position?: number;
}

/** What the three error kinds share: a message and where in the flow it happened. */
abstract class CategorizedError extends Error {
  abstract readonly category: ErrorCategory;
  readonly location: ErrorLocation;
  constructor(message: string, location: ErrorLocation = {}) {
    super(message);
    this.location = location;
  }
}

/**
 * A failure caused by the flow's configuration or by the data; retrying will not help.
 *
 * @example
 * ```ts
 * throw new UserError('The field "email" is required', { nodeId: 'n1', field: 'email' });
 * ```
 */
export class UserError extends CategorizedError {
  readonly category = ErrorCategory.user;
  override readonly name = 'UserError';
}

/**
 * A failure that may go away by itself (network, 5xx, 408, 429, lock timeouts); retried.
 *
 * @example
 * ```ts
 * if (res.status >= 500) throw new TransientError(`HTTP ${res.status} from the CRM`);
 * ```
 */
export class TransientError extends CategorizedError {
  readonly category = ErrorCategory.transient;
  override readonly name = 'TransientError';
}

/**
 * A bug in Syncline itself (an invariant did not hold). Reported, not shown as the user's fault.
 *
 * @example
 * ```ts
 * throw new UnexpectedError('node has no definition after validation');
 * ```
 */
export class UnexpectedError extends CategorizedError {
  readonly category = ErrorCategory.unexpected;
  override readonly name = 'UnexpectedError';
}

/**
 * True for HTTP statuses that retrying cannot fix: every 4xx except 408 (timeout) and 429 (rate limit).
 *
 * @example
 * ```ts
 * isPermanentHttpFailure(404); // true
 * isPermanentHttpFailure(429); // false
 * isPermanentHttpFailure(503); // false
 * ```
 */
export function isPermanentHttpFailure(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** A plain, serialisable description of an error as recorded in traces. */
export interface ErrorInfo {
  readonly message: string;
  readonly category: ErrorCategory;
  readonly field?: string;
  readonly position?: number;
}

/**
 * Classifies anything thrown into an {@link ErrorInfo}. Unknown errors are `unexpected`.
 *
 * @example
 * ```ts
 * describeError(new UserError('bad')); // { message: 'bad', category: 'user' }
 * ```
 */
export function describeError(error: unknown): ErrorInfo {
  if (error instanceof UserError || error instanceof TransientError || error instanceof UnexpectedError) {
    const { field, position } = error.location;
    return {
      message: error.message,
      category: error.category,
      ...(field === undefined ? {} : { field }),
      ...(position === undefined ? {} : { position }),
    };
  }
  if (error instanceof Error) return { message: error.message, category: ErrorCategory.unexpected };
  return { message: String(error), category: ErrorCategory.unexpected };
}
