/** Port checks before anything starts, and free-port lookup for tests. */
import net from 'node:net';

export class SupervisorError extends Error {
  override name = 'SupervisorError';
}

/** True when nothing listens on `port` (checked on the wildcard address, which collides with any listener). */
export function isPortFree(port: number, host?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port that was free a moment ago (the OS picks it). */
export function getFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface PortNeed {
  port: number;
  /** The environment variable that chooses this port, for the error message. */
  envVar: string;
  /** What uses it, e.g. "the web app". */
  label: string;
}

/** Parse a port from the environment, with a default. */
export function portFromEnv(envVar: string, fallback: number): number {
  const raw = process.env[envVar]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SupervisorError(`${envVar} must be a port number (1-65535), got "${raw}".`);
  }
  return port;
}

/** Throws `Port 3000 is already in use. Set PORT to use another port.` for the first busy port. */
export async function assertPortsFree(needs: PortNeed[]): Promise<void> {
  const seen = new Map<number, PortNeed>();
  for (const need of needs) {
    const other = seen.get(need.port);
    if (other) {
      throw new SupervisorError(
        `Port ${need.port} is configured for both ${other.label} (${other.envVar}) and ${need.label} (${need.envVar}). Set one of them to another port.`,
      );
    }
    seen.set(need.port, need);
  }
  for (const need of needs) {
    if (!(await isPortFree(need.port))) {
      throw new SupervisorError(`Port ${need.port} is already in use. Set ${need.envVar} to use another port.`);
    }
  }
}
