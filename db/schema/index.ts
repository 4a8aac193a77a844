export * from './auth';
export * from './workspaces';
export * from './flows';
export * from './runs';
export * from './external-ids';
export * from './cursors';
export * from './connections';
export * from './bulk-jobs';
