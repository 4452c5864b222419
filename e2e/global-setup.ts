// Starts the real grid (embedded PostgreSQL and Temporal, worker, production web build, gateway,
// an agent per demo node) in a throw-away data folder, unless E2E_EXTERNAL=1 says the app at
// E2E_BASE_URL is already running.
import { startThrowawayGrid } from '@aigrid/infra/throwaway-grid';

export default async function globalSetup() {
  if (process.env.E2E_EXTERNAL === '1') return;
  const grid = await startThrowawayGrid({
    name: 'e2e',
    webPort: Number(process.env.E2E_WEB_PORT),
    verbose: true,
    // Node agents with the simulated engine, so that an endpoint created in the browser serves.
    agents: true,
  });
  // For tests that start an agent themselves, as an operator would at a new POP.
  process.env.E2E_TEMPORAL_ADDRESS = grid.temporalAddress;
  return () => grid.stop();
}
