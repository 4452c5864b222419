// Child process of the gateway benchmark: a bare HTTP relay in front of one engine, the cost of
// any extra process hop on this machine (a second loopback connection each way, a Node.js HTTP
// server and client), with none of the gateway's work: no authentication, validation, routing,
// rewriting or metering. Measured side by side with the direct path and the gateway, it splits
// the gateway's added TTFT into the hop itself and what the gateway does on top of it.
// Argument: the engine's base URL. Prints one `listening` line; stops on SIGTERM or SIGINT.
import { Agent, createServer, request, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host']);

function forwardable(headers: Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !HOP_BY_HOP.has(k)));
}

const target = new URL(process.argv[2] ?? 'http://127.0.0.1:8000');
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
const server = createServer((req, res) => {
  const upstream = request(
    {
      agent,
      host: target.hostname,
      port: target.port,
      path: req.url,
      method: req.method,
      headers: forwardable(req.headers),
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, forwardable(up.headers));
      up.pipe(res);
    },
  );
  upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
  // A client that leaves stops the engine's work, as the gateway does.
  res.on('close', () => !res.writableFinished && upstream.destroy());
  req.pipe(upstream);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ event: 'listening', url: `http://127.0.0.1:${port}` }));
});
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
