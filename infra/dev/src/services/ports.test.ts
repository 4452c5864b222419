import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { assertPortFree, freePort, isPortFree } from './ports';

describe('ports', () => {
  it('names the port and the setting to change when the port is taken', async () => {
    const port = await freePort();
    const server = net.createServer().listen(port, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      expect(await isPortFree(port)).toBe(false);
      await expect(assertPortFree(port, 'WEB_PORT')).rejects.toThrow(
        new RegExp(`Port ${port} is already in use \\(WEB_PORT\\).*WEB_PORT=<port> npm start`),
      );
    } finally {
      server.close();
    }
    expect(await isPortFree(port)).toBe(true);
    await expect(assertPortFree(port, 'WEB_PORT')).resolves.toBeUndefined();
  });
});
