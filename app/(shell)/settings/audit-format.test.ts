import { describe, expect, it } from 'vitest';
import { describeAuditAction, describeAuditDetails } from './audit-format';

describe('the audit log in words', () => {
  it('names actions without their codes', () => {
    expect(describeAuditAction('flow.activated')).toBe('Flow activated');
    expect(describeAuditAction('alert_rule.created')).toBe('Alert rule created');
    expect(describeAuditAction('connection.secret-rotated')).toBe('Connection secret rotated');
  });

  it('lists details as "words: value"', () => {
    expect(describeAuditDetails({ version: 1, note: 'Sample flow' })).toBe('version: 1 · note: Sample flow');
    expect(describeAuditDetails({ mappingsDeleted: 3, from: { id: 'x' } })).toBe('mappings deleted: 3 · from: {"id":"x"}');
    expect(describeAuditDetails({})).toBe('');
    expect(describeAuditDetails(null)).toBe('');
  });
});
