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
  errorFormatter({ shape, error, input }) {
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      // A bug's message can be a failed query's, with its parameters: the browser gets only the reason.
      message: zodError ? describeZodError(zodError, input) : error.code === 'INTERNAL_SERVER_ERROR' ? errorMessage(error.cause ?? error) : shape.message,
      data: { ...data, fieldErrors: zodError ? z.flattenError(zodError).fieldErrors : undefined },
    };
  },
});

/**
 * "field: message" per issue, joined: `flowId: That is not a flow id.; draft.nodes: Invalid input…`.
 * Schemas whose messages already start with their field (`flowId: not a flow id.`) are not prefixed
 * twice; one that names only the tail of a nested path gets the whole path. A value outside a list of
 * choices (an enum) is named with the choices, in words: `status: “bogus” is not one of queued, running.`
 */
function describeZodError(error: ZodError, input: unknown): string {
  return error.issues
    .map((issue) => {
      if (issue.code === 'invalid_value') return describeInvalidChoice(issue.path, valueAt(input, issue.path), issue.values);
      // zod's own wording ("Invalid input: expected array, received string") in words; a schema's own message is kept.
      const message = issue.code === 'invalid_type' && issue.message.startsWith('Invalid input') ? describeExpectedType(issue.expected, valueAt(input, issue.path)) : issue.message;
      return describeIssue(issue.path.map(String), message);
    })
    .join('; ');
}

function describeIssue(path: readonly string[], message: string): string {
  if (path.length === 0) return message;
  for (let start = 0; start < path.length; start++) {
    const named = `${path.slice(start).join('.')}:`;
    if (message.startsWith(named)) return `${path.join('.')}:${message.slice(named.length)}`;
  }
  return `${path.join('.')}: ${message}`;
}

/** The value is quoted, so a list's position (`status.0`) adds nothing: the field is named without it. */
function describeInvalidChoice(path: readonly PropertyKey[], value: unknown, choices: readonly unknown[]): string {
  const field = path.filter((key) => typeof key !== 'number').map(String).join('.');
  const shown = typeof value === 'string' ? `“${value.slice(0, 60)}”` : value === undefined ? 'This value' : JSON.stringify(value)?.slice(0, 60) ?? String(value);
  const sentence = `${shown} is not one of ${choices.map(String).join(', ')}.`;
  return field ? `${field}: ${sentence}` : sentence;
}

const TYPE_WORDS: Record<string, string> = { string: 'text', number: 'a number', int: 'a whole number', boolean: 'true or false', array: 'a list', object: 'an object', date: 'a date' };

function describeExpectedType(expected: string, value: unknown): string {
  const got = value === undefined ? 'nothing' : value === null ? 'null' : Array.isArray(value) ? 'a list' : (TYPE_WORDS[typeof value] ?? typeof value);
  return `expected ${TYPE_WORDS[expected] ?? expected}, got ${got}.`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
