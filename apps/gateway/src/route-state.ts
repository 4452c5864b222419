// The route snapshot this gateway serves from: fetched from the control plane (polled with
// If-None-Match, or on demand when a workflow publishes routes), validated, indexed for the
// request path, and kept when the control plane is down or answers garbage. The last good
// snapshot is also written to disk, so a restart while the control plane is down still routes.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  parseRouteSnapshot,
  type RouteEndpoint,
  type RouteReplica,
  type RouteSnapshot,
} from '@aigrid/routing';
import type { Logger } from './logger';

export type FetchSnapshotResult =
  { status: 'unchanged' } | { status: 'ok'; snapshot: RouteSnapshot };

/** Fetches the snapshot; `version` is the one held (null at first), for a conditional request. */
export type FetchSnapshot = (version: string | null) => Promise<FetchSnapshotResult>;

/** The control plane's `GET /api/gateway/routes`, authenticated with the gateway token. */
export function httpSnapshotSource(
  controlUrl: string,
  token: string,
  timeoutMs = 5_000,
): FetchSnapshot {
  const url = new URL('/api/gateway/routes', controlUrl).toString();
  return async (version) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    // The control plane's ETag is the version as a strong entity tag.
    if (version) headers['if-none-match'] = `"${version}"`;
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (res.status === 304) {
      await res.body?.cancel();
      return { status: 'unchanged' };
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`route snapshot: ${url} answered ${res.status}`);
    }
    return { status: 'ok', snapshot: parseRouteSnapshot(await res.json()) };
  };
}

export interface RouteView {
  snapshot: RouteSnapshot;
  /** organizationId → endpoint name or id → endpoint. */
  byOrg: Map<string, Map<string, RouteEndpoint>>;
  /** Every replica with the endpoint it serves. */
  replicas: { replica: RouteReplica; endpoint: RouteEndpoint }[];
  knownMetros: Set<string>;
  receivedAtMs: number;
}

export interface RouteState {
  current(): RouteView | null;
  /** Fetches now (sharing a fetch already under way) and resolves with the version held. */
  refresh(): Promise<string | null>;
  findEndpoint(organizationId: string, model: string): RouteEndpoint | undefined;
  endpointsOf(organizationId: string): RouteEndpoint[];
  /** Called with each newly installed view (to drop state of replicas that went away). */
  onChange(listener: (view: RouteView, previous: RouteView | null) => void): void;
  start(): void;
  stop(): void;
}

/**
 * Whether a request to the endpoint can be served now: it is not paused or failed and has a
 * routed replica. `/v1/models` lists only these, since the others answer 503 whatever the caller
 * sends.
 */
export function takesRequests(endpoint: RouteEndpoint): boolean {
  return refusal(endpoint) === null && endpoint.replicas.length > 0;
}

/** Why the endpoint refuses every request whatever its replicas: paused or failed; else null. */
export function refusal(endpoint: RouteEndpoint): 'paused' | 'failed' | null {
  if (endpoint.status === 'PAUSED') return 'paused';
  if (endpoint.status === 'FAILED') return 'failed';
  return null;
}

function index(snapshot: RouteSnapshot, receivedAtMs: number): RouteView {
  const byOrg = new Map<string, Map<string, RouteEndpoint>>();
  const replicas: RouteView['replicas'] = [];
  const knownMetros = new Set<string>(Object.keys(snapshot.rttMs));
  for (const endpoint of snapshot.endpoints) {
    let names = byOrg.get(endpoint.organizationId);
    if (!names) byOrg.set(endpoint.organizationId, (names = new Map()));
    names.set(endpoint.id, endpoint);
    if (!names.has(endpoint.name) || names.get(endpoint.name)?.id === endpoint.name) {
      names.set(endpoint.name, endpoint);
    }
    if (endpoint.defaultMetroId) knownMetros.add(endpoint.defaultMetroId);
    for (const replica of endpoint.replicas) {
      replicas.push({ replica, endpoint });
      knownMetros.add(replica.metroId);
    }
  }
  return { snapshot, byOrg, replicas, knownMetros, receivedAtMs };
}

export function createRouteState(opts: {
  fetchSnapshot: FetchSnapshot;
  log: Logger;
  pollMs: number;
  /** Where the last good snapshot is kept between runs; none by default. */
  file?: string;
  now?: () => number;
}): RouteState {
  const { fetchSnapshot, log, pollMs, file } = opts;
  const now = opts.now ?? Date.now;
  const listeners: ((view: RouteView, previous: RouteView | null) => void)[] = [];
  let view: RouteView | null = null;
  let inFlight: Promise<string | null> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let failing = false;

  function install(snapshot: RouteSnapshot, fromDisk: boolean): void {
    const previous = view;
    view = index(snapshot, now());
    for (const listener of listeners) listener(view, previous);
    if (!fromDisk) persist(snapshot);
  }

  function persist(snapshot: RouteSnapshot): void {
    if (!file) return;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.tmp`;
      writeFileSync(tmp, JSON.stringify(snapshot));
      renameSync(tmp, file);
    } catch (err) {
      log.warn({ err: (err as Error).message, file }, 'could not keep the route snapshot on disk');
    }
  }

  function loadFromDisk(): void {
    if (!file) return;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    try {
      const snapshot = parseRouteSnapshot(JSON.parse(text));
      install(snapshot, true);
      log.info(
        { version: snapshot.version },
        'serving the route snapshot kept on disk until the control plane answers',
      );
    } catch (err) {
      log.warn({ err: (err as Error).message, file }, 'ignoring an unreadable route snapshot file');
    }
  }

  async function fetchOnce(): Promise<string | null> {
    try {
      const result = await fetchSnapshot(view?.snapshot.version ?? null);
      if (result.status === 'ok') {
        if (result.snapshot.version !== view?.snapshot.version) {
          install(result.snapshot, false);
          log.info(
            { version: result.snapshot.version, endpoints: result.snapshot.endpoints.length },
            'route snapshot installed',
          );
        } else if (view) {
          view.receivedAtMs = now();
        }
      } else if (view) {
        view.receivedAtMs = now();
      }
      if (failing) log.info('control plane reachable again');
      failing = false;
      return view?.snapshot.version ?? null;
    } catch (err) {
      if (!failing) {
        log.warn(
          { err: (err as Error).message, version: view?.snapshot.version ?? null },
          'route snapshot fetch failed; keeping the last good snapshot',
        );
      }
      failing = true;
      throw err;
    }
  }

  loadFromDisk();

  const state: RouteState = {
    current: () => view,
    refresh() {
      inFlight ??= fetchOnce().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
    findEndpoint: (organizationId, model) => view?.byOrg.get(organizationId)?.get(model),
    endpointsOf(organizationId) {
      return (view?.snapshot.endpoints ?? []).filter((e) => e.organizationId === organizationId);
    },
    onChange(listener) {
      listeners.push(listener);
    },
    start() {
      if (timer) return;
      const tick = () => {
        state
          .refresh()
          .catch(() => undefined)
          .finally(() => {
            if (timer) timer = setTimeout(tick, pollMs);
          });
      };
      timer = setTimeout(tick, 0);
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
  return state;
}
