/**
 * The demo CRM and helpdesk (examples/) as supervised children of `npm start`. They are a convenience,
 * not part of Syncline: when their databases cannot be created (an external DATABASE_URL without
 * CREATE DATABASE rights) they are skipped with a message, and when one keeps crashing it is given up
 * on without stopping Syncline.
 *
 *   SYNCLINE_DEMO=off      do not start them
 *   DEMO_CRM_PORT          4010        DEMO_HELPDESK_PORT   4020
 *   DEMO_CRM_API_KEY       the integration's key (user svc-sync), default demo-crm-integration-key
 * Passed to the web app and the worker: DEMO_CRM_URL, DEMO_CRM_API_KEY, DEMO_HELPDESK_URL,
 * DEMO_HELPDESK_DATABASE_URL.
 */
import path from 'node:path';
import { DEFAULT_INTEGRATION_KEY } from '../../examples/demo-crm/auth';
import { ensureDemoDatabases, type DemoDatabases } from '../../examples/demo-systems';
import type { Logger } from './logs';
import { portFromEnv, type PortNeed } from './ports';
import { spawnManaged, type ManagedProcess } from './process';

export interface DemoPlan {
  enabled: boolean;
  crmPort: number;
  helpdeskPort: number;
}

export interface RunningDemos {
  env: Record<string, string>;
  crmUrl: string;
  helpdeskUrl: string;
  ready: Promise<void>;
}

export function demoPlan(): DemoPlan {
  const off = ['off', 'false', '0', 'no'].includes((process.env.SYNCLINE_DEMO ?? '').trim().toLowerCase());
  return { enabled: !off, crmPort: portFromEnv('DEMO_CRM_PORT', 4010), helpdeskPort: portFromEnv('DEMO_HELPDESK_PORT', 4020) };
}

export function demoPortNeeds(plan: DemoPlan): PortNeed[] {
  if (!plan.enabled) return [];
  return [
    { port: plan.crmPort, envVar: 'DEMO_CRM_PORT', label: 'the demo CRM' },
    { port: plan.helpdeskPort, envVar: 'DEMO_HELPDESK_PORT', label: 'the demo helpdesk' },
  ];
}

/**
 * Creates demo_crm / demo_helpdesk next to Syncline's database: through the embedded cluster's superuser,
 * or through DATABASE_URL itself (CREATE DATABASE works from any database of the cluster).
 */
export async function prepareDemoDatabases(clusterUrl: string, external: boolean, log: Logger): Promise<DemoDatabases | undefined> {
  try {
    return await ensureDemoDatabases(clusterUrl);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (!external) throw err;
    log.error(`skipping the demo systems: could not create the databases demo_crm / demo_helpdesk next to DATABASE_URL (${why}).`);
    log.error('Grant CREATEDB to that user, or set SYNCLINE_DEMO=off to silence this.');
    return undefined;
  }
}

type SuperviseWithRestarts = (spawn: () => ManagedProcess) => ManagedProcess;

/** Spawns one demo service, started again whenever it exits (the supervisor's backoff, supervisor/restarts.ts). */
function startSupervised(options: {
  name: 'crm' | 'helpdesk';
  file: string;
  readyLine: RegExp;
  env: NodeJS.ProcessEnv;
  root: string;
  superviseWithRestarts: SuperviseWithRestarts;
  since: () => string;
}): Promise<void> {
  const first = options.superviseWithRestarts(() =>
    spawnManaged({
      name: options.name,
      color: options.name === 'crm' ? 'yellow' : 'magenta',
      command: path.join(options.root, 'node_modules', '.bin', 'tsx'),
      args: [options.file],
      cwd: options.root,
      env: options.env,
    }),
  );
  return first
    .waitForLine(options.readyLine, 60_000)
    .then(() => first.logger.log(`ready in ${options.since()}`))
    .catch((err: Error) => first.logger.error(`not ready: ${err.message}`));
}

export function startDemoSystems(options: {
  plan: DemoPlan;
  databases: DemoDatabases;
  root: string;
  baseEnv: NodeJS.ProcessEnv;
  superviseWithRestarts: SuperviseWithRestarts;
  since: () => string;
}): RunningDemos {
  const { plan, databases, root } = options;
  const apiKey = process.env.DEMO_CRM_API_KEY?.trim() || DEFAULT_INTEGRATION_KEY;
  const crmUrl = `http://127.0.0.1:${plan.crmPort}`;
  const helpdeskUrl = `http://127.0.0.1:${plan.helpdeskPort}`;
  const common = { root, superviseWithRestarts: options.superviseWithRestarts, since: options.since };
  const crm = startSupervised({
    ...common,
    name: 'crm',
    file: path.join(root, 'examples', 'demo-crm', 'server.ts'),
    readyLine: /demo-crm ready on/,
    env: { ...options.baseEnv, DEMO_CRM_DATABASE_URL: databases.crmUrl, DEMO_CRM_PORT: String(plan.crmPort), DEMO_CRM_API_KEY: apiKey },
  });
  const helpdesk = startSupervised({
    ...common,
    name: 'helpdesk',
    file: path.join(root, 'examples', 'demo-helpdesk', 'server.ts'),
    readyLine: /demo-helpdesk ready on/,
    env: { ...options.baseEnv, DEMO_HELPDESK_DATABASE_URL: databases.helpdeskUrl, DEMO_HELPDESK_PORT: String(plan.helpdeskPort) },
  });
  return {
    env: { DEMO_CRM_URL: crmUrl, DEMO_CRM_API_KEY: apiKey, DEMO_HELPDESK_URL: helpdeskUrl, DEMO_HELPDESK_DATABASE_URL: databases.helpdeskUrl },
    crmUrl,
    helpdeskUrl,
    ready: Promise.all([crm, helpdesk]).then(() => {}),
  };
}
