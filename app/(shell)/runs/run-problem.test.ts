import { describe, expect, it } from 'vitest';
import { fieldWords, plainMessage, shortProblem, stepTitle } from './run-problem';

const upsert = { type: 'sync.upsert-record', typeVersion: 1 };
const filter = { type: 'core.filter', typeVersion: 1 };

describe('run problems in an analyst’s words', () => {
  it('names the step by its kind and the field by the labels of its form', () => {
    expect(stepTitle(upsert)).toBe('Upsert record');
    expect(fieldWords(upsert, 'connectionId')).toBe('Write to');
    expect(fieldWords(upsert, 'fields[0].target')).toBe('Fields to write › field 1 › target');
    expect(fieldWords(filter, 'conditions[1].operator')).toBe('Conditions › condition 2 › operator');
    // An unknown step type keeps the raw path (shown rather than hidden).
    expect(fieldWords({ type: 'x.unknown', typeVersion: 1 }, 'a.b')).toBe('a.b');
  });

  it('says operators as the condition builder does, never their code names', () => {
    expect(plainMessage('The operator "notContains" needs a value to compare with')).toBe('The operator “does not contain” needs a value to compare with');
    expect(plainMessage('Unknown operator "foo"; use one of: equals, notEquals, contains')).toBe('Unknown operator "foo"; choose an operator from the list');
    expect(plainMessage('CRM answered 503 Service Unavailable')).toBe('CRM answered 503 Service Unavailable');
  });

  it('reads a system’s JSON error body as its words', () => {
    expect(plainMessage('POST contacts: HTTP 500: the system had an internal error. {"error":"column \\"emailAddress\\" does not exist"} (gave up after 3 attempts)')).toBe(
      'POST contacts: HTTP 500: the system had an internal error. The system said: “column "emailAddress" does not exist”. (gave up after 3 attempts)',
    );
    expect(plainMessage('HTTP 400 {"code":42}')).toBe('HTTP 400 {"code":42}');
  });

  it('gives the runs list a short line with the kind of failure in words', () => {
    expect(shortProblem({ category: 'transient', message: 'POST contacts: HTTP 503' })).toBe('Temporary: POST contacts: HTTP 503');
    expect(shortProblem({ category: 'user', message: 'The operator "isEmpty" takes no value' })).toBe('Needs a fix: The operator “is empty” takes no value');
  });
});
