/**
 * Setup file of the e2e project: after each test, any uncaught page error or console error seen by a
 * browser from tests/support/browser.ts fails that test (with the errors listed).
 */
import { afterEach } from 'vitest';
import { takeBrowserErrors } from '../support/browser';

afterEach(() => {
  const errors = takeBrowserErrors();
  if (errors.length > 0) throw new Error(`The browser reported ${errors.length} error(s):\n${errors.join('\n')}`);
});
