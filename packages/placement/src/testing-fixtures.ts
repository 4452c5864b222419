// Hand-made grids and endpoints for the package's tests (not exported from the package).
import type { DemandMetro, EndpointSpec, Grid, GridNode, GridSite } from './types';

export const METRO = {
  frankfurt: { metroId: 'frankfurt', name: 'Frankfurt', lat: 50.1109, lon: 8.6821 },
  paris: { metroId: 'paris', name: 'Paris', lat: 48.8566, lon: 2.3522 },
  warsaw: { metroId: 'warsaw', name: 'Warsaw', lat: 52.2297, lon: 21.0122 },
  ashburn: { metroId: 'ashburn', name: 'Ashburn', lat: 39.0438, lon: -77.4874 },
  amsterdam: { metroId: 'amsterdam', name: 'Amsterdam', lat: 52.3676, lon: 4.9041 },
} as const;

export const LLAMA_8B = {
  parametersB: 8.03,
  memoryGb: 16.1,
  supportedGpuTypes: ['H100', 'A100', 'L40S', 'RTX-PRO-6000', 'A10G', 'L4'],
};

export const LLAMA_70B = {
  parametersB: 70.6,
  memoryGb: 141.2,
  supportedGpuTypes: ['H100', 'A100', 'RTX-PRO-6000', 'L40S'],
};

export function node(id: string, over: Partial<GridNode> = {}): GridNode {
  return {
    id,
    gpuTypeId: 'L40S',
    gpuCount: 8,
    healthy: true,
    draining: false,
    utilisation: 0,
    reservedGpus: 0,
    offeredGpus: 8,
    pricePerGpuHourMicros: 1_000_000,
    pricePerMTokensMicros: 200_000,
    ...over,
  };
}

export function site(
  id: string,
  at: { lat: number; lon: number },
  jurisdictions: string[],
  nodes: GridNode[],
  operatorId = `op-${id}`,
): GridSite {
  return { id, operatorId, name: id, lat: at.lat, lon: at.lon, jurisdictions, nodes };
}

/** Frankfurt, Paris (EU) and Ashburn (US) sites with L40S nodes; Ashburn is the cheapest. */
export function euUsGrid(): Grid {
  return {
    sites: [
      site(
        'fra-1',
        METRO.frankfurt,
        ['EU', 'GDPR'],
        [node('fra-1-a', { pricePerGpuHourMicros: 1_200_000 })],
      ),
      site(
        'par-1',
        METRO.paris,
        ['EU', 'GDPR'],
        [node('par-1-a', { pricePerGpuHourMicros: 1_100_000 })],
      ),
      site('ash-1', METRO.ashburn, ['US'], [node('ash-1-a', { pricePerGpuHourMicros: 600_000 })]),
    ],
  };
}

export function demand(
  ...metros: Array<Omit<DemandMetro, 'weight'> & { weight?: number }>
): DemandMetro[] {
  return metros.map((m) => ({ weight: 1, ...m }));
}

export function endpoint(over: Partial<EndpointSpec> = {}): EndpointSpec {
  return {
    modelId: 'llama-3.1-8b-instruct',
    model: LLAMA_8B,
    sloTtftP95Ms: 300,
    jurisdictions: ['EU'],
    demand: demand(METRO.frankfurt, METRO.paris),
    expectedRps: 4,
    redundancy: false,
    ...over,
  };
}
