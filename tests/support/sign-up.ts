/**
 * The first-run sign-up form, filled the way a person does it in the end-to-end tests:
 *
 *   await signUpAdmin(page, app.url, { name: 'Ada Admin', email: 'ada@example.com', workspace: 'Acme' });
 */
import type { Page } from 'playwright-core';

export interface NewAdmin {
  name: string;
  email: string;
  /** Defaults to `correct horse battery`. */
  password?: string;
  workspace: string;
}

/** Fills the sign-up form (already open), creates the admin account and waits for the flows list. */
export async function completeSignUp(page: Page, appUrl: string, admin: NewAdmin): Promise<void> {
  await page.getByLabel('Your name').fill(admin.name);
  await page.getByLabel('Work email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password ?? 'correct horse battery');
  await page.getByLabel('Workspace name').fill(admin.workspace);
  await page.getByRole('button', { name: 'Create admin account' }).click();
  await page.waitForURL(`${appUrl}/flows`);
}

/**
 * Signs up the first admin. By default opens the app's root and waits to be sent to the sign-up page
 * (`from: 'root'`); `from: 'sign-up'` opens the sign-up page directly.
 */
export async function signUpAdmin(page: Page, appUrl: string, admin: NewAdmin, options: { from?: 'root' | 'sign-up' } = {}): Promise<void> {
  if (options.from === 'sign-up') {
    await page.goto(`${appUrl}/sign-up`);
  } else {
    await page.goto(appUrl);
    await page.waitForURL(`${appUrl}/sign-up`);
  }
  await completeSignUp(page, appUrl, admin);
}
