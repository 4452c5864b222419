// Child process of the gateway benchmark: the emulated wide-area network, one delay proxy per
// (gateway metro, replica) link, in a process of its own so that its timers are not delayed by
// the load generator. Argument: JSON `{ links: { target, oneWayMs }[] }`. Prints one `listening`
// line with the proxies' URLs in the same order; stops on SIGTERM or SIGINT.
import { startDelayProxy } from './delay-proxy';

export interface NetworkConfig {
  links: { target: string; oneWayMs: number }[];
}

const config = JSON.parse(process.argv[2] ?? '{}') as NetworkConfig;
const proxies = await Promise.all(config.links.map((l) => startDelayProxy(l.target, l.oneWayMs)));
console.log(JSON.stringify({ event: 'listening', urls: proxies.map((p) => p.url) }));
const stop = async () => {
  await Promise.all(proxies.map((p) => p.close()));
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
