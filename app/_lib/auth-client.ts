'use client';

import { createAuthClient } from 'better-auth/react';

/** better-auth's browser client; talks to /api/auth on the same origin. */
export const authClient = createAuthClient();
