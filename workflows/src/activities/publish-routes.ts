// Publishing routes: the gateways build their snapshot from the Replica rows (READY routed,
// DRAINING finishing in-flight), so the rows are already the truth when this runs; it asks every
// configured gateway to refresh now, and when one cannot be told, waits for its polling.
import type { ControlSettings } from '../control-settings';

export interface PublishResult {
  refreshed: string[];
  unreachable: string[];
  /** Snapshot version each refreshed gateway reported. */
  versions: Record<string, string | number>;
}

export async function refreshGateways(
  settings: Pick<
    ControlSettings,
    'gatewayUrls' | 'gatewayToken' | 'gatewayRefreshTimeoutMs' | 'gatewayPollWaitMs'
  >,
  log: (msg: string, data: Record<string, unknown>) => void,
): Promise<PublishResult> {
  const results = await Promise.all(
    settings.gatewayUrls.map(async (url) => {
      try {
        const res = await fetch(`${url}/internal/routes/refresh`, {
          method: 'POST',
          headers: { authorization: `Bearer ${settings.gatewayToken}` },
          signal: AbortSignal.timeout(settings.gatewayRefreshTimeoutMs),
        });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const body = (await res.json().catch(() => ({}))) as { version?: string | number };
        return { url, ok: true as const, version: body.version ?? null };
      } catch (err) {
        log('gateway refresh failed; relying on its polling', {
          gateway: url,
          error: (err as Error).message,
        });
        return { url, ok: false as const, version: null };
      }
    }),
  );
  const unreachable = results.filter((r) => !r.ok).map((r) => r.url);
  if (unreachable.length > 0) {
    await new Promise((resolve) => setTimeout(resolve, settings.gatewayPollWaitMs));
  }
  const versions: Record<string, string | number> = {};
  for (const r of results) if (r.ok && r.version !== null) versions[r.url] = r.version;
  return { refreshed: results.filter((r) => r.ok).map((r) => r.url), unreachable, versions };
}
