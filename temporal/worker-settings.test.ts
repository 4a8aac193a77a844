import { describe, expect, it } from 'vitest';
import { workerSettings } from './worker-settings';

describe('workerSettings', () => {
  it('has defaults for everything', () => {
    expect(workerSettings({})).toEqual({
      maxConcurrentActivityTaskExecutions: 100,
      maxConcurrentLocalActivityExecutions: 100,
      maxConcurrentWorkflowTaskExecutions: 40,
      maxConcurrentWorkflowTaskPolls: 10,
      maxConcurrentActivityTaskPolls: 10,
      maxCachedWorkflows: 500,
      shutdownGraceTimeMs: 20_000,
      databasePool: 10,
      historyPartitionInterval: 'day',
    });
  });

  it('reads each variable', () => {
    const settings = workerSettings({
      SYNCLINE_WORKER_ACTIVITIES: '7',
      SYNCLINE_WORKER_LOCAL_ACTIVITIES: '8',
      SYNCLINE_WORKER_WORKFLOWS: '9',
      SYNCLINE_WORKER_WORKFLOW_POLLERS: '3',
      SYNCLINE_WORKER_ACTIVITY_POLLERS: '4',
      SYNCLINE_WORKER_CACHED_WORKFLOWS: '50',
      SYNCLINE_WORKER_SHUTDOWN_GRACE_SECONDS: '5',
      SYNCLINE_WORKER_DB_POOL: ' 12 ',
      SYNCLINE_HISTORY_PARTITION_INTERVAL: 'week',
    });
    expect(settings).toEqual({
      maxConcurrentActivityTaskExecutions: 7,
      maxConcurrentLocalActivityExecutions: 8,
      maxConcurrentWorkflowTaskExecutions: 9,
      maxConcurrentWorkflowTaskPolls: 3,
      maxConcurrentActivityTaskPolls: 4,
      maxCachedWorkflows: 50,
      shutdownGraceTimeMs: 5000,
      databasePool: 12,
      historyPartitionInterval: 'week',
    });
  });

  it('names the variable of a bad value', () => {
    expect(() => workerSettings({ SYNCLINE_WORKER_WORKFLOWS: 'many' })).toThrow('SYNCLINE_WORKER_WORKFLOWS must be a whole number of at least 1, not "many".');
    expect(() => workerSettings({ SYNCLINE_WORKER_SHUTDOWN_GRACE_SECONDS: '-1' })).toThrow('SYNCLINE_WORKER_SHUTDOWN_GRACE_SECONDS must be a whole number of at least 0, not "-1".');
    expect(() => workerSettings({ SYNCLINE_WORKER_WORKFLOW_POLLERS: '1' })).toThrow('SYNCLINE_WORKER_WORKFLOW_POLLERS must be a whole number of at least 2, not "1".');
  });
});
