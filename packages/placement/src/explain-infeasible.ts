// Explanations for the portal: why metros miss the SLO (the binding reason per metro) and what
// would make the request feasible (the smallest SLO per metro and overall, a site that would
// qualify if a jurisdiction were dropped, the budget that would do, dropping redundancy).
import type { CandidateSet } from './build-candidates';
import { HOURS_PER_MONTH } from './placement-defaults';
import type { Candidate } from './placement-problem';
import type {
  EndpointSpec,
  ExclusionCode,
  MetroOutcome,
  PlacementAlternative,
  PlacementReason,
} from './types';

export interface ExplainInput {
  endpoint: EndpointSpec;
  set: CandidateSet;
  perMetro: MetroOutcome[];
  /** Hourly cost of the cheapest placement meeting the SLO everywhere if there were no budget. */
  costWithoutBudget?: number | null;
  /** Whether the request would be feasible with this SLO (everything else unchanged). */
  feasibleAtSlo?: (sloMs: number) => boolean;
}

const ms = (x: number) => `${Math.round(x)} ms`;
const usd = (micros: number) =>
  `$${(micros / 1e6).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

const CODE_LABEL: Record<ExclusionCode, string> = {
  jurisdiction: 'outside the jurisdiction',
  'no-supported-gpu': 'no supported GPU',
  'model-does-not-fit': 'model does not fit',
  unhealthy: 'unhealthy',
  draining: 'draining',
  'no-free-capacity': 'no free capacity',
  'over-budget': 'over budget',
  'too-far': 'too far',
};

function scope(endpoint: EndpointSpec): string {
  return endpoint.jurisdictions.length > 0 ? ` in ${endpoint.jurisdictions.join(' + ')}` : '';
}

interface MinimalSlo {
  /** Smallest whole-ms SLO at which nodes in scope could carry the metro's traffic. */
  sloMs: number;
  /** The nearest sites that would serve it then. */
  sites: string[];
}

/**
 * The smallest SLO at which the eligible nodes could carry all of metro m's traffic on their
 * free GPUs (spread over several nodes if need be), from `sites` distinct sites at least.
 * A node at SLO s offers the load of its heaviest tier whose p95 fits s. Null if never.
 */
function minimalSlo(set: CandidateSet, m: number, sitesNeeded: number): MinimalSlo | null {
  const metro = set.metros[m]!;
  const values: number[] = [];
  for (const c of set.eligible) {
    for (const v of c.tierServerP95Ms)
      if (Number.isFinite(v)) values.push((c.rttP95Ms[m] ?? 0) + v);
  }
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const enough = (sloMs: number): boolean => {
    let room = 0;
    const sites = new Set<string>();
    for (const c of set.eligible) {
      const budget = sloMs - (c.rttP95Ms[m] ?? 0);
      const table = c.tierServerP95Ms;
      if (!((table[table.length - 1] ?? Infinity) <= budget)) continue;
      let lo = 0;
      let hi = table.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((table[mid] ?? Infinity) <= budget) hi = mid;
        else lo = mid + 1;
      }
      room += (set.tierFractions[lo] ?? 0) * c.profile.maxRps * c.maxReplicas;
      sites.add(c.siteId);
    }
    return room >= metro.rps - 1e-9 && sites.size >= sitesNeeded;
  };
  if (!enough(values[values.length - 1]!)) return null;
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (enough(values[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  const sloMs = Math.ceil(values[lo]! - 1e-9);
  const sites = [
    ...new Set(
      set.eligible
        .filter(
          (c) =>
            (c.rttP95Ms[m] ?? 0) + (c.tierServerP95Ms[c.tierServerP95Ms.length - 1] ?? Infinity) <=
            sloMs,
        )
        .sort((a, b) => (a.idleP95Ms[m] ?? 0) - (b.idleP95Ms[m] ?? 0))
        .map((c) => c.siteName),
    ),
  ].slice(0, Math.max(1, sitesNeeded));
  return { sloMs, sites };
}

export function explainInfeasible(input: ExplainInput): {
  reasons: PlacementReason[];
  alternatives: PlacementAlternative[];
} {
  const { endpoint, set, perMetro } = input;
  const reasons: PlacementReason[] = [];
  const alternatives: PlacementAlternative[] = [];
  const slo = endpoint.sloTtftP95Ms;
  const gpuTypes = [...new Set(set.eligible.map((c) => c.gpuTypeId))].sort();

  if (set.eligible.length === 0) {
    const inScope = set.exclusions.filter((e) => !e.codes.includes('jurisdiction'));
    if (inScope.length === 0) {
      reasons.push({
        code: 'no-eligible-site',
        message:
          endpoint.jurisdictions.length > 0
            ? `no site carries every required jurisdiction (${endpoint.jurisdictions.join(', ')})`
            : 'the grid has no sites',
      });
    } else {
      const counts = new Map<ExclusionCode, number>();
      for (const e of inScope)
        for (const code of e.codes) counts.set(code, (counts.get(code) ?? 0) + 1);
      const summary = [...counts.entries()]
        .map(([code, n]) => `${n} ${CODE_LABEL[code]}`)
        .join(', ');
      reasons.push({
        code: 'no-eligible-site',
        message: `no site${scope(endpoint)} can host ${endpoint.modelId}${summary ? ` (${summary})` : ''}`,
      });
    }
  }

  // Sites in scope left out because one replica there costs more than the budget allows.
  const overBudget = set.exclusions.filter(
    (e) => e.codes.includes('over-budget') && !e.codes.includes('jurisdiction'),
  ).length;
  const budgetNote =
    overBudget > 0
      ? ` (${overBudget} other site${overBudget === 1 ? '' : 's'}${scope(endpoint)} left out as over the budget)`
      : '';

  let needBudgetCheck = false;
  let anyUnreached = false;
  for (let m = 0; m < set.metros.length; m++) {
    const metro = set.metros[m]!;
    const outcome = perMetro[m];
    if (!outcome) continue;
    const reaching = set.eligible.filter((c) => (c.tier[m] ?? -1) >= 0);
    const sites = new Set(reaching.map((c) => c.siteId));
    if (set.eligible.length > 0 && reaching.length === 0) {
      anyUnreached = true;
      let nearest: Candidate | undefined;
      for (const c of set.eligible)
        if (!nearest || (c.idleP95Ms[m] ?? Infinity) < (nearest.idleP95Ms[m] ?? Infinity))
          nearest = c;
      const detail = nearest
        ? `; nearest feasible: ${nearest.siteName} (${nearest.gpuTypeId}) gives ${ms(nearest.idleP95Ms[m] ?? 0)} p95 (network ${ms(nearest.rttP95Ms[m] ?? 0)} + server ${ms((nearest.idleP95Ms[m] ?? 0) - (nearest.rttP95Ms[m] ?? 0))} when idle)`
        : '';
      reasons.push({
        metroId: metro.id,
        code: 'slo-unreachable',
        message: `no site${scope(endpoint)} within ${slo} ms p95 of ${metro.name} with a free ${gpuTypes.join('/')} for ${endpoint.modelId}${detail}`,
      });
      const relax = (endpoint.redundancy ? minimalSlo(set, m, 2) : null) ?? minimalSlo(set, m, 1);
      if (relax) {
        alternatives.push({
          kind: 'relax-slo',
          metroId: metro.id,
          sloTtftP95Ms: relax.sloMs,
          message: `${metro.name} could be served at ${relax.sloMs} ms p95 (from ${relax.sites.join(' and ')})`,
        });
      }
    } else if (reaching.length > 0 && !outcome.meetsSlo) {
      needBudgetCheck = true;
      const room = reaching.reduce(
        (a, c) => a + (set.tierFractions[c.tier[m]!] ?? 0) * c.profile.maxRps * c.maxReplicas,
        0,
      );
      const short = room + 1e-9 < metro.rps;
      const budgeted = endpoint.budgetPerMonthMicros !== undefined;
      reasons.push({
        metroId: metro.id,
        code: !short && budgeted ? 'over-budget' : 'no-capacity',
        message: short
          ? `not enough free capacity within ${slo} ms p95 of ${metro.name}: nodes that meet it can take ${room.toFixed(1)} req/s, it needs ${metro.rps.toFixed(1)}`
          : `${metro.name} could not be placed within ${slo} ms p95 together with the other metros${budgeted ? ' under the budget' : ''} on the free capacity`,
      });
    }
    if (
      endpoint.redundancy &&
      outcome.meetsSlo &&
      outcome.servedBy.length + outcome.backupSites.length < 2
    ) {
      const only = reaching[0]?.siteName ?? outcome.servedBy[0] ?? 'one site';
      const second = sites.size < 2 ? minimalSlo(set, m, 2) : null;
      reasons.push({
        metroId: metro.id,
        code: 'no-redundancy',
        message:
          sites.size < 2
            ? `only ${only} meets ${slo} ms p95 for ${metro.name}${overBudget > 0 ? ' within the budget' : ''}; redundancy needs a second site${second ? ` (two sites could at ${second.sloMs} ms)` : ''}${budgetNote}`
            : `${metro.name} has no second site within ${slo} ms p95 under the budget and free capacity`,
      });
      if (second) {
        alternatives.push({
          kind: 'relax-slo',
          metroId: metro.id,
          sloTtftP95Ms: second.sloMs,
          message: `${metro.name} would have a second site at ${second.sloMs} ms p95 (${second.sites.join(' and ')})`,
        });
      }
      alternatives.push({
        kind: 'drop-redundancy',
        metroId: metro.id,
        message: `without redundancy ${metro.name} is served within ${slo} ms p95`,
      });
    }
    const latencyBound = reaching.length === 0 || (endpoint.redundancy && sites.size < 2);
    if (latencyBound && (!outcome.meetsSlo || endpoint.redundancy)) {
      // A site outside the jurisdictions that would meet the SLO for this metro.
      let best: Candidate | undefined;
      for (const c of set.jurisdictionOnly) {
        if ((c.tier[m] ?? -1) < 0 || sites.has(c.siteId)) continue;
        if (!best || (c.idleP95Ms[m] ?? Infinity) < (best.idleP95Ms[m] ?? Infinity)) best = c;
      }
      if (best) {
        alternatives.push({
          kind: 'allow-site',
          siteId: best.siteId,
          metroId: metro.id,
          missingJurisdictions: best.missingJurisdictions,
          p95TtftMs: Math.round((best.idleP95Ms[m] ?? 0) * 100) / 100,
          message: `without the ${best.missingJurisdictions.join(', ')} requirement, ${best.siteName} (${best.gpuTypeId}) would qualify: ${ms(best.idleP95Ms[m] ?? 0)} p95 for ${metro.name}`,
        });
      }
    }
  }

  const budgetExcluded = set.exclusions.some((e) => e.codes.includes('over-budget'));
  if ((needBudgetCheck || budgetExcluded) && endpoint.budgetPerMonthMicros !== undefined) {
    const hour = input.costWithoutBudget;
    if (hour !== null && hour !== undefined) {
      const month = hour * HOURS_PER_MONTH;
      if (month > endpoint.budgetPerMonthMicros) {
        reasons.push({
          code: 'over-budget',
          message: `the budget of ${usd(endpoint.budgetPerMonthMicros)}/month is below the cheapest placement meeting the SLO: ${usd(month)}/month`,
        });
        alternatives.push({
          kind: 'raise-budget',
          budgetPerMonthMicros: month,
          message: `a budget of ${usd(month)}/month would place every metro within ${slo} ms p95`,
        });
      }
    }
  }

  if ((anyUnreached || needBudgetCheck) && input.feasibleAtSlo && set.eligible.length > 0) {
    const value = smallestFeasibleSlo(slo, set, input.feasibleAtSlo);
    if (value !== null) {
      alternatives.push({
        kind: 'relax-slo',
        sloTtftP95Ms: value,
        message: `the whole request is feasible at ${value} ms p95`,
      });
    }
  }
  return { reasons, alternatives };
}

/** Binary search (whole ms) for the smallest SLO at which the request becomes feasible. */
function smallestFeasibleSlo(
  slo: number,
  set: CandidateSet,
  feasibleAt: (sloMs: number) => boolean,
): number | null {
  let hi = slo;
  for (let m = 0; m < set.metros.length; m++) {
    const v = minimalSlo(set, m, 2) ?? minimalSlo(set, m, 1);
    if (v) hi = Math.max(hi, v.sloMs);
  }
  hi = Math.ceil(hi);
  let found = false;
  for (let i = 0; i < 4 && !found; i++) {
    if (feasibleAt(hi)) found = true;
    else hi = Math.ceil(hi * 1.5);
  }
  if (!found) return null;
  let lo = Math.floor(slo);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (feasibleAt(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
