/**
 * Reads a webhook body as JSON that PostgreSQL's `jsonb` can hold exactly as it was sent.
 *
 * - A leading byte order mark (U+FEFF, which some Windows senders write) is skipped: it is not part of
 *   the JSON text (RFC 8259 §8.1 lets a parser ignore it).
 * - Text containing U+0000 (`\u0000`) or a lone surrogate (`\ud800`) is refused, naming its path:
 *   `jsonb` cannot store either, and the alternative (rewriting the text) would change the event.
 * - A number beyond what a double holds (`1e400`) is refused, naming its path: `JSON.parse` turns it
 *   into Infinity, which `JSON.stringify` would silently store as `null`.
 *
 * Refusals are answered 400, so a sender's retries stop: the same body would fail every time.
 *
 * @example
 * parseWebhookJson('\uFEFF{"a":1}');            // { ok: true, value: { a: 1 } }
 * parseWebhookJson('{"a":["x\\u0000"]}');       // { ok: false, error: 'The text at $.a[0] contains the character U+0000 …' }
 */
import { err, ok, type Result } from '../../flows-engine/index';

interface Frame {
  readonly value: unknown;
  readonly parent: Frame | undefined;
  readonly key: string | number;
}

/** `$.a.b[2]`, built only when a problem is reported. */
function pathOf(frame: Frame): string {
  const parts: (string | number)[] = [];
  for (let f: Frame | undefined = frame; f?.parent; f = f.parent) parts.push(f.key);
  const path = parts.reverse().reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : `${acc}.${p}`), '$');
  return path.length > 120 ? `${path.slice(0, 117)}...` : path;
}

/** In `u` mode a surrogate pair is one code point, so only an unpaired half matches. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Why `jsonb` cannot hold this text, or null when it can. */
function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains the character U+0000 (\\u0000), which the database cannot store';
  if (LONE_SURROGATE.test(text)) return 'contains a lone surrogate (an unpaired \\ud800-\\udfff escape), which is not valid Unicode';
  return null;
}

/** The first value in `root` that `jsonb` cannot hold exactly, described with its path. Iterative: deep input cannot overflow the stack. */
function findUnstorable(root: unknown): string | null {
  const stack: Frame[] = [{ value: root, parent: undefined, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value } = frame;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return `The text at ${pathOf(frame)} ${problem}.`;
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return `The number at ${pathOf(frame)} is too large to store (beyond ±1.8e308).`;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], parent: frame, key: i });
    } else if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        const problem = textProblem(key);
        if (problem) return `A key in ${pathOf(frame)} ${problem}.`;
        stack.push({ value: (value as Record<string, unknown>)[key], parent: frame, key });
      }
    }
  }
  return null;
}

/** Parses a webhook body (empty means `{}`); the error says what is wrong and where, in the sender's terms. */
export function parseWebhookJson(body: string): Result<unknown, string> {
  const text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  if (text === '') return ok({});
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return err(`The body is not valid JSON: ${error instanceof Error ? error.message : 'parse error'}`);
  }
  const problem = findUnstorable(value);
  return problem ? err(problem) : ok(value);
}
