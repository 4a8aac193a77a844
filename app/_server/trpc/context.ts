import type { Db } from '../../../db/client';
import type { Role } from '../../../db/schema';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

/** What every procedure sees. Built per request from the session cookie. */
export interface Context {
  db: Db;
  user: SessionUser | null;
  /** The workspace the caller asked for (cookie or header); checked against memberships by the middleware. */
  requestedWorkspaceId: string | null;
  /** Lets a procedure remember the caller's workspace choice (sets a cookie in HTTP requests). */
  rememberWorkspace(workspaceId: string): void;
}

export interface WorkspaceScope {
  id: string;
  role: Role;
}

export const WORKSPACE_COOKIE = 'syncline-workspace';
export const WORKSPACE_HEADER = 'x-syncline-workspace';
