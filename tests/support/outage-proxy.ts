/**
 * A TCP proxy in front of a real server (the test PostgreSQL), to stage outages on real sockets while
 * the server itself keeps serving other tests:
 *
 *   const proxy = await startOutageProxy(5432);   // connect to 127.0.0.1:proxy.port instead
 *   await proxy.refuse();    // stop listening and drop every connection: ECONNREFUSED, like a stopped server
 *   proxy.freeze();          // keep sockets open but forward nothing, like a server stopped with SIGSTOP
 *   await proxy.restore();   // back to normal (frozen connections resume)
 *   await proxy.stop();
 */
import net from 'node:net';

export interface OutageProxy {
  port: number;
  refuse(): Promise<void>;
  freeze(): void;
  restore(): Promise<void>;
  stop(): Promise<void>;
}

export async function startOutageProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<OutageProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let frozen = false;

  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    const pair = { client, upstream };
    pairs.add(pair);
    if (frozen) {
      client.pause();
      upstream.pause();
    } else {
      client.pipe(upstream);
      upstream.pipe(client);
    }
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  const listen = () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  let port = 0;
  await listen();
  port = (server.address() as net.AddressInfo).port;

  const setPaused = (paused: boolean) => {
    if (paused === frozen) return;
    frozen = paused;
    for (const { client, upstream } of pairs) {
      // Unpipe while frozen: a paused source can still flush what it already buffered.
      if (paused) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      } else {
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
        upstream.resume();
      }
    }
  };

  return {
    port,
    async refuse() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const { client, upstream } of pairs) {
          client.destroy();
          upstream.destroy();
        }
      });
    },
    freeze() {
      setPaused(true);
    },
    async restore() {
      setPaused(false);
      if (!server.listening) await listen();
    },
    async stop() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
