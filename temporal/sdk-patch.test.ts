/**
 * The Temporal worker SDK is patched (patches/@temporalio+worker+*.patch, applied by `npm install`
 * through patch-package) to drop two per-call costs of workflow code: Node's watchdog thread on every
 * call into the workflow context, and a source-mapped stack captured for every promise. These tests
 * read the installed SDK's behaviour, so they fail when an SDK upgrade drops the patch.
 */
import vm from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- internal modules of the SDK, no typings
const { GlobalHandlers } = require('@temporalio/worker/lib/workflow/vm-shared.js') as {
  GlobalHandlers: new () => { install(): void; uninstall(): void; promiseHookInstalled: boolean };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports -- internal modules of the SDK, no typings
const { ReusableVMWorkflowCreator } = require('@temporalio/worker/lib/workflow/reusable-vm.js') as {
  ReusableVMWorkflowCreator: { prototype: { createWorkflow(options: unknown): Promise<unknown> } };
};

/** Calls into a workflow context the way the SDK does for every activation job, recording the vm options. */
async function vmOptionsOfOneCall(): Promise<vm.RunningScriptOptions | undefined> {
  const seen: (vm.RunningScriptOptions | undefined)[] = [];
  const spy = vi.spyOn(vm.Script.prototype, 'runInContext').mockImplementation((_context, options) => {
    seen.push(options);
    return undefined;
  });
  try {
    const creator = Object.assign(Object.create(ReusableVMWorkflowCreator.prototype) as object, {
      _context: {},
      pristineObj: {},
      isolateExecutionTimeoutMs: 5000,
      workflowBundle: { sourceMap: '' },
      registeredActivityNames: new Set<string>(),
    }) as unknown as typeof ReusableVMWorkflowCreator.prototype;
    await creator.createWorkflow({ info: { runId: 'run-1' } });
  } finally {
    spy.mockRestore();
  }
  return seen[0];
}

describe('the patched Temporal worker SDK', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('calls into workflow code without a per-call watchdog thread', async () => {
    vi.stubEnv('SYNCLINE_SDK_DEFAULTS', '');
    expect(await vmOptionsOfOneCall()).toEqual({ displayErrors: true });
  });

  it('installs no promise stack hook', () => {
    vi.stubEnv('SYNCLINE_SDK_DEFAULTS', '');
    const handlers = new GlobalHandlers();
    handlers.install();
    expect(handlers.promiseHookInstalled).toBe(false);
    handlers.uninstall();
  });

  it('restores both SDK defaults with SYNCLINE_SDK_DEFAULTS=1 (for comparisons and debugging)', async () => {
    vi.stubEnv('SYNCLINE_SDK_DEFAULTS', '1');
    expect(await vmOptionsOfOneCall()).toEqual({ timeout: 5000, displayErrors: true });
    const handlers = new GlobalHandlers();
    handlers.install();
    expect(handlers.promiseHookInstalled).toBe(true);
    handlers.uninstall();
  });
});
