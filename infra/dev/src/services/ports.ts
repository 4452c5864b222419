import net from 'node:net';

/** Fails with a message naming the setting to change when `port` is already taken. */
export async function assertPortFree(port: number, setting: string, host = '127.0.0.1') {
  const free = await isPortFree(port, host);
  if (!free) {
    throw new Error(
      `Port ${port} is already in use (${setting}). Stop whatever listens there, or choose ` +
        `another port: ${setting}=<port> npm start`,
    );
  }
}

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the OS reports free right now, for tests that need several servers. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
