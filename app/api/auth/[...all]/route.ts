import { toNextJsHandler } from 'better-auth/next-js';
import { getAuth } from '../../../_server/auth';

export const { GET, POST } = toNextJsHandler((request) => getAuth().handler(request));
