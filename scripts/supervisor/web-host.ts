/**
 * Where the supervisor reaches the web app it started on `HOST` (README, Configuration): a wildcard
 * address (`0.0.0.0`, `::`) listens on every interface, loopback included, so it is reached on loopback.
 */
export function localUrlOf(host: string, port: number): string {
  if (host === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (host === '::') return `http://[::1]:${port}`;
  return host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}
