// Hard constraints: which nodes may host a replica of the endpoint, and why each site that
// may not is excluded. For every node that passes, the per-metro RTT, idle TTFT and load tier.
import { HOURS_PER_MONTH } from './placement-defaults';
import type { Candidate, MetroDemand } from './placement-problem';
import { sizeReplica, type ReplicaProfile, type Workload } from './replica-profile';
import { estimateRttMs } from './latency-model';
import { serverTtftMs } from './ttft-model';
import type {
  EndpointSpec,
  ExclusionCode,
  Grid,
  GridNode,
  GridSite,
  PlacementTuning,
  RttMeasurement,
  SiteExclusion,
} from './types';

export interface CandidateSet {
  metros: MetroDemand[];
  /** Nodes passing every hard constraint, including those too far to meet the SLO. */
  eligible: Candidate[];
  /** Nodes that fail only the jurisdiction check ("allow this site" alternatives). */
  jurisdictionOnly: Candidate[];
  exclusions: SiteExclusion[];
  tierFractions: number[];
  budgetPerHourMicros: number;
}

export interface BuildOptions {
  tuning: PlacementTuning;
  workload: Workload;
  /** Replicas of this endpoint already on each node (re-placement); their GPUs count as free. */
  existing?: ReadonlyMap<string, number>;
  /** Added to each new replica's objective cost (re-placement prefers fewer moves). */
  movePenalty?: number;
}

/** Merges duplicate metros and normalises weights into traffic shares of expectedRps. */
export function demandMetros(endpoint: EndpointSpec): MetroDemand[] {
  const byId = new Map<string, MetroDemand & { weight: number }>();
  for (const d of endpoint.demand) {
    const weight = Number.isFinite(d.weight) && d.weight > 0 ? d.weight : 0;
    const prev = byId.get(d.metroId);
    if (prev) prev.weight += weight;
    else
      byId.set(d.metroId, {
        id: d.metroId,
        name: d.name ?? d.metroId,
        lat: d.lat,
        lon: d.lon,
        weight,
        share: 0,
        rps: 0,
      });
  }
  const list = [...byId.values()];
  const total = list.reduce((s, m) => s + m.weight, 0);
  const rps = Math.max(0, Number.isFinite(endpoint.expectedRps) ? endpoint.expectedRps : 0);
  return list.map(({ weight, ...m }) => {
    const share = total > 0 ? weight / total : 1 / list.length;
    return { ...m, share, rps: rps * share };
  });
}

export function tierFractions(tuning: PlacementTuning): number[] {
  return Array.from({ length: tuning.tierCount + 1 }, (_, k) => tuning.tierRatio ** k);
}

export function budgetPerHour(endpoint: EndpointSpec): number {
  const b = endpoint.budgetPerMonthMicros;
  return b === undefined || b === null ? Number.POSITIVE_INFINITY : Math.floor(b / HOURS_PER_MONTH);
}

function missingTags(site: GridSite, required: readonly string[]): string[] {
  const tags = new Set(site.jurisdictions.map((j) => j.toUpperCase()));
  return required.filter((j) => !tags.has(j.toUpperCase()));
}

const fmtUsd = (micros: number) => `$${(micros / 1e6).toFixed(2)}`;

interface NodeCheck {
  codes: ExclusionCode[];
  messages: string[];
  profile?: ReplicaProfile;
  maxReplicas: number;
  costPerReplicaHourMicros: number;
}

function checkNode(
  node: GridNode,
  endpoint: EndpointSpec,
  profileFor: (gpuTypeId: string) => ReturnType<typeof sizeReplica>,
  existingReplicas: number,
  budgetHour: number,
): NodeCheck {
  const fail = (code: ExclusionCode, message: string): NodeCheck => ({
    codes: [code],
    messages: [`node ${node.id}: ${message}`],
    maxReplicas: 0,
    costPerReplicaHourMicros: 0,
  });
  if (!endpoint.model.supportedGpuTypes.includes(node.gpuTypeId)) {
    return fail('no-supported-gpu', `${node.gpuTypeId} is not supported by ${endpoint.modelId}`);
  }
  const sizing = profileFor(node.gpuTypeId);
  if (!sizing.ok) {
    const code = sizing.reason === 'unknown-gpu' ? 'no-supported-gpu' : 'model-does-not-fit';
    return fail(code, sizing.detail);
  }
  const tp = sizing.profile.tensorParallel;
  if (tp > node.gpuCount) {
    return fail(
      'model-does-not-fit',
      `${endpoint.modelId} needs ${tp}× ${node.gpuTypeId}; the node has ${node.gpuCount}`,
    );
  }
  if (!node.healthy) return fail('unhealthy', 'unhealthy');
  if (node.draining) return fail('draining', 'draining');
  const free =
    Math.min(node.gpuCount, node.offeredGpus) - node.reservedGpus + existingReplicas * tp;
  const byGpus = Math.floor(Math.max(0, free) / tp);
  if (byGpus < 1) {
    return fail('no-free-capacity', `${Math.max(0, free)} free GPU(s), a replica needs ${tp}`);
  }
  const cost = tp * node.pricePerGpuHourMicros;
  const byBudget = cost > 0 ? Math.floor(budgetHour / cost) : Number.POSITIVE_INFINITY;
  if (byBudget < 1) {
    return fail(
      'over-budget',
      `one replica costs ${fmtUsd(cost * HOURS_PER_MONTH)}/month, over the budget`,
    );
  }
  return {
    codes: [],
    messages: [],
    profile: sizing.profile,
    maxReplicas: Math.min(byGpus, byBudget),
    costPerReplicaHourMicros: cost,
  };
}

/** Evaluates every node of the grid against the endpoint's hard constraints. */
export function buildCandidates(
  endpoint: EndpointSpec,
  grid: Grid,
  options: BuildOptions,
): CandidateSet {
  const { tuning, workload } = options;
  const metros = demandMetros(endpoint);
  const fractions = tierFractions(tuning);
  const budgetHour = budgetPerHour(endpoint);
  // Operators' measurements by site, then metro; the distance estimate elsewhere.
  const measured = new Map<string, Map<string, RttMeasurement>>();
  for (const r of grid.rtt ?? []) {
    if (!(r.rttMs >= 0)) continue;
    let bySite = measured.get(r.siteId);
    if (!bySite) measured.set(r.siteId, (bySite = new Map()));
    bySite.set(r.metroId, r);
  }
  const profiles = new Map<string, ReturnType<typeof sizeReplica>>();
  const tierTables = new Map<
    ReplicaProfile,
    { table: Float64Array; idle95: number; idle50: number }
  >();
  const profileFor = (gpuTypeId: string) => {
    let p = profiles.get(gpuTypeId);
    if (!p) {
      p = sizeReplica(endpoint.model, gpuTypeId, Number.POSITIVE_INFINITY, workload, tuning);
      profiles.set(gpuTypeId, p);
    }
    return p;
  };
  const tierTable = (profile: ReplicaProfile) => {
    let t = tierTables.get(profile);
    if (!t) {
      t = {
        table: Float64Array.from(fractions, (f) =>
          serverTtftMs(profile, { rpsPerReplica: f * profile.maxRps }, 0.95),
        ),
        idle95: serverTtftMs(profile, { rpsPerReplica: 0 }, 0.95),
        idle50: serverTtftMs(profile, { rpsPerReplica: 0 }, 0.5),
      };
      tierTables.set(profile, t);
    }
    return t;
  };
  const slo = endpoint.sloTtftP95Ms;
  const M = metros.length;
  const eligible: Candidate[] = [];
  const jurisdictionOnly: Candidate[] = [];
  const exclusions: SiteExclusion[] = [];

  for (const site of grid.sites) {
    const missing = missingTags(site, endpoint.jurisdictions);
    const bySite = measured.get(site.id);
    const rttP50 = new Float64Array(M);
    const rttP95 = new Float64Array(M);
    for (let m = 0; m < M; m++) {
      const metro = metros[m]!;
      const hit = bySite?.get(metro.id);
      if (hit) {
        rttP50[m] = hit.rttMs;
        rttP95[m] = Math.max(hit.rttMs, hit.rttP95Ms ?? hit.rttMs);
      } else {
        const estimate = estimateRttMs(metro, site, tuning.rttModel);
        rttP50[m] = estimate;
        rttP95[m] = estimate;
      }
    }
    const codes = new Set<ExclusionCode>();
    const reasons: string[] = [];
    if (missing.length > 0) {
      codes.add('jurisdiction');
      reasons.push(
        `lacks jurisdiction ${missing.join(', ')} (has ${site.jurisdictions.join(', ') || 'none'})`,
      );
    }
    let passing = 0;
    let reaching = 0;
    let nearest: { m: number; p95: number } | undefined;
    for (const node of site.nodes) {
      const check = checkNode(
        node,
        endpoint,
        profileFor,
        options.existing?.get(node.id) ?? 0,
        budgetHour,
      );
      if (!check.profile) {
        check.codes.forEach((c) => codes.add(c));
        reasons.push(...check.messages);
        continue;
      }
      const profile = check.profile;
      const { table, idle95, idle50 } = tierTable(profile);
      const c: Candidate = {
        nodeId: node.id,
        siteId: site.id,
        siteName: site.name,
        operatorId: site.operatorId,
        gpuTypeId: node.gpuTypeId,
        profile,
        maxReplicas: check.maxReplicas,
        existingReplicas: options.existing?.get(node.id) ?? 0,
        costPerReplicaHourMicros: check.costPerReplicaHourMicros,
        objectiveCost: check.costPerReplicaHourMicros + (options.movePenalty ?? 0),
        pricePerMTokensMicros: node.pricePerMTokensMicros ?? 0,
        missingJurisdictions: missing,
        rttP50Ms: rttP50,
        rttP95Ms: rttP95,
        idleP95Ms: rttP95.map((r) => r + idle95),
        idleP50Ms: rttP50.map((r) => r + idle50),
        tier: new Int8Array(M),
        tierServerP95Ms: table,
      };
      let reachesAny = false;
      for (let m = 0; m < M; m++) {
        const budget = slo - (c.rttP95Ms[m] ?? 0);
        // table[k] falls as k grows (lighter load); find the smallest k within budget.
        let tier = -1;
        if ((table[table.length - 1] ?? Infinity) <= budget) {
          let lo = 0;
          let hi = table.length - 1;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if ((table[mid] ?? Infinity) <= budget) hi = mid;
            else lo = mid + 1;
          }
          tier = lo;
        }
        c.tier[m] = tier;
        if (tier >= 0) reachesAny = true;
        const p95 = c.idleP95Ms[m] ?? Infinity;
        if (!nearest || p95 < nearest.p95) nearest = { m, p95 };
      }
      if (missing.length > 0) {
        jurisdictionOnly.push(c);
        continue;
      }
      passing++;
      if (reachesAny) reaching++;
      eligible.push(c);
    }
    if (site.nodes.length === 0) {
      codes.add('no-free-capacity');
      reasons.push('no nodes');
    }
    if (missing.length === 0 && passing > 0 && reaching === 0 && nearest) {
      codes.add('too-far');
      reasons.push(
        `too far: best p95 ${nearest.p95.toFixed(0)} ms (to ${metros[nearest.m]?.name ?? ''}) exceeds the ${slo} ms SLO even when idle`,
      );
    }
    if (codes.size > 0 && (passing === 0 || reaching === 0)) {
      exclusions.push({ siteId: site.id, codes: [...codes], reasons });
    }
  }
  return {
    metros,
    eligible,
    jurisdictionOnly,
    exclusions,
    tierFractions: fractions,
    budgetPerHourMicros: budgetHour,
  };
}
