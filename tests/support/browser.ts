import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Every page of every browser from `launchBrowser()` is watched: an uncaught exception (`pageerror`,
 * unhandled rejections included), a console error or a browser pop-up (`confirm()` & co.) fails the running test
 * (tests/setup/browser-errors.ts checks after each e2e test). A test that provokes an error on
 * purpose names it with `allowBrowserErrors(/pattern/)`, for that test only.
 */
const seen: string[] = [];
let allowed: RegExp[] = [];

function watch(page: Page): void {
  page.on('pageerror', (error) => seen.push(`uncaught error on ${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const { url } = message.location();
    seen.push(`console error on ${page.url()}: ${message.text()}${url ? ` (${url})` : ''}`);
  });
  // The app asks with its own dialogs: a browser pop-up (alert, confirm, prompt) is an error too. It is dismissed,
  // as Playwright does when nobody listens; "leave this page?" (beforeunload) is the browser's own and allowed.
  page.on('dialog', (dialog) => {
    if (dialog.type() !== 'beforeunload') seen.push(`browser pop-up (${dialog.type()}) on ${page.url()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
}

/** Lets the current test pass despite browser errors matching one of these (say why where it is called). */
export function allowBrowserErrors(...patterns: RegExp[]): void {
  allowed.push(...patterns);
}

/** The browser errors since the last call that no allowance covers; resets the allowances. */
export function takeBrowserErrors(): string[] {
  const errors = seen.splice(0).filter((e) => !allowed.some((p) => p.test(e)));
  allowed = [];
  return errors;
}

/** Debian's Chromium (installed by .ci/run), driven by playwright-core; every page is watched for errors. */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  // browser.newPage() goes through newContext() too, so every page of every context is watched.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.on('page', watch);
    return context;
  };
  return browser;
}

/** Screenshots land in the git-ignored `screenshots/` folder, to be looked at. */
export function screenshotPath(name: string): string {
  const dir = path.resolve('screenshots');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}
