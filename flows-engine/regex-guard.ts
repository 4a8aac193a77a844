/**
 * Bounds user regular expressions (the `matchesRegex` operator) so they cannot hang a run:
 * short patterns only, no nested quantifiers such as `(a+)+`, no repeated alternations such as
 * `(a|aa)*` (their alternatives can overlap, which backtracks exponentially too), no back-references,
 * and the tested text is capped.
 */
import { err, ok, type Result } from './result';

/** The longest pattern accepted. */
export const MAX_REGEX_PATTERN_LENGTH = 200;
/** Only this many characters of a value are tested against a pattern. */
export const MAX_REGEX_INPUT_LENGTH = 10_000;

/**
 * Compiles a user pattern after refusing the ones that can backtrack catastrophically.
 *
 * @example
 * ```ts
 * compileSafeRegex('^[a-z]+@example\\.com$', { ignoreCase: true }); // ok
 * compileSafeRegex('(a+)+$', {}).ok; // false: nested quantifier
 * ```
 */
export function compileSafeRegex(pattern: unknown, options: { ignoreCase?: boolean }): Result<RegExp, string> {
  if (typeof pattern !== 'string') return err('The pattern must be text');
  if (pattern.length > MAX_REGEX_PATTERN_LENGTH) {
    return err(`The pattern is ${pattern.length} characters long; the limit is ${MAX_REGEX_PATTERN_LENGTH}`);
  }
  const hazard = findHazard(pattern);
  if (hazard) return err(hazard);
  try {
    return ok(new RegExp(pattern, options.ignoreCase ? 'iu' : 'u'));
  } catch (e) {
    return err(`The pattern is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Scans the pattern once, tracking for each open group whether it contains a quantifier; a group
 * that contains one and is itself quantified is a nested quantifier.
 */
function findHazard(pattern: string): string | undefined {
  const groupHasQuantifier: boolean[] = [];
  const groupHasAlternation: boolean[] = [];
  const groupStart: number[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return 'Back-references (\\1 …) are not allowed in patterns';
      if (!inClass && next === 'k') return 'Named back-references (\\k<…>) are not allowed in patterns';
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === '(') {
      groupHasQuantifier.push(false);
      groupHasAlternation.push(false);
      groupStart.push(i + 1);
    } else if (ch === '|' && groupHasAlternation.length > 0) {
      groupHasAlternation[groupHasAlternation.length - 1] = true;
    } else if (ch === ')') {
      const inner = groupHasQuantifier.pop() ?? false;
      const alternation = groupHasAlternation.pop() ?? false;
      const body = pattern.slice(groupStart.pop() ?? i, i);
      const quantified = isQuantifierAt(pattern, i + 1);
      if (inner && quantified) {
        return 'The pattern has a nested quantifier such as (a+)+, which can take forever on some text; simplify it';
      }
      if (alternation && quantified && !distinctLiteralAlternatives(body)) {
        return 'The pattern repeats a group of alternatives such as (a|aa)*, which can take forever on some text; use a character class like [ab]+ or test the alternatives separately';
      }
      if ((inner || quantified) && groupHasQuantifier.length > 0) groupHasQuantifier[groupHasQuantifier.length - 1] = true;
    } else if (isQuantifierAt(pattern, i) && groupHasQuantifier.length > 0) {
      groupHasQuantifier[groupHasQuantifier.length - 1] = true;
    }
  }
  return undefined;
}

/**
 * `foo|bar` is safe to repeat: plain words, none a prefix of another, so at each position at most
 * one alternative can match and nothing backtracks. `a|aa` is not.
 */
function distinctLiteralAlternatives(body: string): boolean {
  const alternatives = body.replace(/^\?:/, '').split('|');
  if (!alternatives.every((a) => /^[\w -]+$/.test(a))) return false;
  return alternatives.every((a, i) => alternatives.every((b, j) => i === j || !b.startsWith(a)));
}

function isQuantifierAt(pattern: string, i: number): boolean {
  const ch = pattern[i];
  if (ch === '+' || ch === '*') return true;
  if (ch === '{') return /^\{\d+(,\d*)?\}/.test(pattern.slice(i, i + 12)) && !/^\{\d+\}/.test(pattern.slice(i, i + 12));
  return false;
}
