/**
 * Domain errors thrown by handlers. The web app's tRPC middleware maps them to codes
 * (`app/_server/trpc/error-codes.ts`), so handlers never build `TRPCError`s by hand and messages stay
 * user-facing; the worker never sees them.
 */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} was not found.`);
  }
}
export class ForbiddenError extends Error {}
export class ConflictError extends Error {}
export class InvalidInputError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
