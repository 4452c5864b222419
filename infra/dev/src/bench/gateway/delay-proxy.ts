// A TCP relay that emulates the network between a gateway and a replica: every chunk is held
// for `oneWayMs` in each direction, in order (a fixed propagation delay, no bandwidth limit and
// no loss). Node's timers fire at millisecond granularity, so a delay is accurate to about 1 ms.
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface DelayProxy {
  url: string;
  close(): Promise<void>;
}

/** Forwards what `from` sends to `to`, each chunk `delayMs` after it arrived. */
function delayedPipe(from: Socket, to: Socket, delayMs: number): void {
  const queue: { dueMs: number; data: Buffer }[] = [];
  let timer: NodeJS.Timeout | null = null;
  let ended = false;
  const flush = () => {
    timer = null;
    const now = performance.now();
    while (queue.length && queue[0]!.dueMs <= now + 0.25) {
      if (!to.destroyed) to.write(queue.shift()!.data);
      else queue.shift();
    }
    if (queue.length) timer = setTimeout(flush, queue[0]!.dueMs - now);
    else if (ended && !to.destroyed) to.end();
  };
  from.on('data', (data: Buffer) => {
    queue.push({ dueMs: performance.now() + delayMs, data });
    if (!timer) timer = setTimeout(flush, delayMs);
  });
  from.on('end', () => {
    ended = true;
    if (!timer) flush();
  });
}

export async function startDelayProxy(targetUrl: string, oneWayMs: number): Promise<DelayProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    client.setNoDelay(true);
    const upstream = connect(Number(target.port), target.hostname);
    upstream.setNoDelay(true);
    sockets.add(client);
    sockets.add(upstream);
    delayedPipe(client, upstream, oneWayMs);
    delayedPipe(upstream, client, oneWayMs);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
