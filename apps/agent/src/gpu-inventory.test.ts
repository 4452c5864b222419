import { describe, expect, it } from 'vitest';
import { detectGpus, parseNvidiaSmi } from './gpu-inventory';

describe('GPU inventory', () => {
  it('reads nvidia-smi output into a GPU type and count', () => {
    expect(parseNvidiaSmi('NVIDIA L40S\nNVIDIA L40S\nNVIDIA L40S\nNVIDIA L40S\n')).toEqual({
      gpuTypeId: 'L40S',
      gpuCount: 4,
    });
    expect(parseNvidiaSmi('NVIDIA H100 80GB HBM3\n')).toEqual({ gpuTypeId: 'H100', gpuCount: 1 });
    expect(parseNvidiaSmi('')).toBeNull();
  });

  it('falls back to configuration without a driver, and says what to set otherwise', () => {
    expect(detectGpus({ gpuTypeId: 'A10G', gpuCount: 1 })).toEqual({
      gpuTypeId: 'A10G',
      gpuCount: 1,
    });
    expect(() => detectGpus({})).toThrow(/AIGRID_GPU_TYPE and AIGRID_GPU_COUNT/);
  });
});
