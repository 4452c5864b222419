// The node's GPUs: from nvidia-smi where present, otherwise from configuration.
import { execFileSync } from 'node:child_process';

export interface GpuInventory {
  gpuTypeId: string;
  gpuCount: number;
}

/** nvidia-smi product names → our GPU type ids. */
const NAME_PATTERNS: [RegExp, string][] = [
  [/H100/i, 'H100'],
  [/A100/i, 'A100'],
  [/L40S/i, 'L40S'],
  [/RTX PRO 6000/i, 'RTX-PRO-6000'],
  [/A10G/i, 'A10G'],
  [/\bL4\b/i, 'L4'],
];

export function parseNvidiaSmi(output: string): GpuInventory | null {
  const names = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (names.length === 0) return null;
  const type = NAME_PATTERNS.find(([re]) => re.test(names[0]!))?.[1];
  return type ? { gpuTypeId: type, gpuCount: names.length } : null;
}

export function detectGpus(configured: { gpuTypeId?: string; gpuCount?: number }): GpuInventory {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5_000,
    });
    const found = parseNvidiaSmi(out);
    if (found) return found;
  } catch {
    // No NVIDIA driver here: fall back to configuration.
  }
  if (configured.gpuTypeId && configured.gpuCount) {
    return { gpuTypeId: configured.gpuTypeId, gpuCount: configured.gpuCount };
  }
  throw new Error(
    'No GPUs found (nvidia-smi is absent): set AIGRID_GPU_TYPE and AIGRID_GPU_COUNT ' +
      '(--gpu-type, --gpu-count) to run the simulated engine.',
  );
}
