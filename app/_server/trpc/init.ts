import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, z } from 'zod';
import type { Role } from '../../../db/schema';
import { errorMessage } from '../../../domain/platform/logger';
import type { Context } from './context';

/** Procedure metadata: the least role a workspace procedure needs (read by tests that audit every procedure). */
export interface ProcedureMeta {
  minimumRole?: Role;
}

/**
 * tRPC root. Zod errors become one message naming each field ("flowId: …") and are flattened into
 * `data.fieldErrors` so forms can show each message next to its field; internal errors never reach
 * the client with a stack.
 */
export const t = initTRPC.context<Context>().meta<ProcedureMeta>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      // A bug's message can be a failed query's, with its parameters: the browser gets only the reason.
      message: zodError ? describeZodError(zodError) : error.code === 'INTERNAL_SERVER_ERROR' ? errorMessage(error.cause ?? error) : shape.message,
      data: { ...data, fieldErrors: zodError ? z.flattenError(zodError).fieldErrors : undefined },
    };
  },
});

/**
 * "field: message" per issue, joined: `flowId: That is not a flow id.; draft.nodes: Invalid input…`.
 * Schemas whose messages already start with their field (`flowId: not a flow id.`) are not prefixed
 * twice; one that names only the tail of a nested path gets the whole path.
 */
function describeZodError(error: ZodError): string {
  return error.issues.map((issue) => describeIssue(issue.path.map(String), issue.message)).join('; ');
}

function describeIssue(path: readonly string[], message: string): string {
  if (path.length === 0) return message;
  for (let start = 0; start < path.length; start++) {
    const named = `${path.slice(start).join('.')}:`;
    if (message.startsWith(named)) return `${path.join('.')}:${message.slice(named.length)}`;
  }
  return `${path.join('.')}: ${message}`;
}
