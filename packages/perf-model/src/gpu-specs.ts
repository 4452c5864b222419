// GPU figures from the vendors' data sheets: memory, memory bandwidth, and dense (no sparsity)
// BF16 tensor throughput. These drive the performance model of every engine on the grid.

export interface GpuSpec {
  id: string;
  memoryGb: number;
  /** Peak memory bandwidth in GB/s. */
  bandwidthGBps: number;
  /** Peak dense BF16 tensor throughput in TFLOPS. */
  bf16Tflops: number;
  /** Peak dense FP8 tensor throughput in TFLOPS, on GPUs that have FP8 tensor cores. */
  fp8Tflops?: number;
  source: string;
}

export const GPU_SPECS: Record<string, GpuSpec> = {
  H100: {
    id: 'H100',
    memoryGb: 80,
    bandwidthGBps: 3350,
    bf16Tflops: 989,
    fp8Tflops: 1979,
    source:
      'NVIDIA H100 Tensor Core GPU data sheet (SXM5: 3.35 TB/s HBM3, 989 TFLOPS BF16 / 1,979 FP8 dense)',
  },
  A100: {
    id: 'A100',
    memoryGb: 80,
    bandwidthGBps: 2039,
    bf16Tflops: 312,
    source: 'NVIDIA A100 data sheet (80GB SXM: 2,039 GB/s HBM2e, 312 TFLOPS BF16 dense)',
  },
  L40S: {
    id: 'L40S',
    memoryGb: 48,
    bandwidthGBps: 864,
    bf16Tflops: 362,
    fp8Tflops: 733,
    source: 'NVIDIA L40S data sheet (48 GB GDDR6, 864 GB/s, 362 TFLOPS BF16 / 733 FP8 dense)',
  },
  'RTX-PRO-6000': {
    id: 'RTX-PRO-6000',
    memoryGb: 96,
    bandwidthGBps: 1792,
    bf16Tflops: 500,
    source:
      'NVIDIA RTX PRO 6000 Blackwell data sheet (96 GB GDDR7, 1,792 GB/s; ~500 TFLOPS BF16 dense)',
  },
  A10G: {
    id: 'A10G',
    memoryGb: 24,
    bandwidthGBps: 600,
    bf16Tflops: 70,
    source: 'AWS EC2 G5 (NVIDIA A10G: 24 GB GDDR6, 600 GB/s; ~70 TFLOPS BF16 dense)',
  },
  L4: {
    id: 'L4',
    memoryGb: 24,
    bandwidthGBps: 300,
    bf16Tflops: 121,
    fp8Tflops: 242,
    source: 'NVIDIA L4 data sheet (24 GB GDDR6, 300 GB/s, 121 TFLOPS BF16 / 242 FP8 dense)',
  },
};
