// Reference data: real metro areas, GPU types and open models. Figures are public:
// coordinates of each metro's centre; GPU memory from vendor data sheets; parameter counts and
// context windows from each model's card; weights in GB at BF16 (2 bytes per parameter).
import type { Modality } from '../../generated/prisma/client';

export interface MetroSeed {
  id: string;
  name: string;
  countryCode: string;
  lat: number;
  lon: number;
}

export const METROS: MetroSeed[] = [
  { id: 'frankfurt', name: 'Frankfurt', countryCode: 'DE', lat: 50.1109, lon: 8.6821 },
  { id: 'paris', name: 'Paris', countryCode: 'FR', lat: 48.8566, lon: 2.3522 },
  { id: 'amsterdam', name: 'Amsterdam', countryCode: 'NL', lat: 52.3676, lon: 4.9041 },
  { id: 'london', name: 'London', countryCode: 'GB', lat: 51.5074, lon: -0.1278 },
  { id: 'warsaw', name: 'Warsaw', countryCode: 'PL', lat: 52.2297, lon: 21.0122 },
  { id: 'madrid', name: 'Madrid', countryCode: 'ES', lat: 40.4168, lon: -3.7038 },
  { id: 'milan', name: 'Milan', countryCode: 'IT', lat: 45.4642, lon: 9.19 },
  { id: 'stockholm', name: 'Stockholm', countryCode: 'SE', lat: 59.3293, lon: 18.0686 },
  { id: 'ashburn', name: 'Ashburn', countryCode: 'US', lat: 39.0438, lon: -77.4874 },
  { id: 'new-york', name: 'New York', countryCode: 'US', lat: 40.7128, lon: -74.006 },
  { id: 'chicago', name: 'Chicago', countryCode: 'US', lat: 41.8781, lon: -87.6298 },
  { id: 'dallas', name: 'Dallas', countryCode: 'US', lat: 32.7767, lon: -96.797 },
  { id: 'los-angeles', name: 'Los Angeles', countryCode: 'US', lat: 34.0522, lon: -118.2437 },
  { id: 'seattle', name: 'Seattle', countryCode: 'US', lat: 47.6062, lon: -122.3321 },
  { id: 'toronto', name: 'Toronto', countryCode: 'CA', lat: 43.6532, lon: -79.3832 },
  { id: 'sao-paulo', name: 'São Paulo', countryCode: 'BR', lat: -23.5505, lon: -46.6333 },
  { id: 'tokyo', name: 'Tokyo', countryCode: 'JP', lat: 35.6762, lon: 139.6503 },
  { id: 'singapore', name: 'Singapore', countryCode: 'SG', lat: 1.3521, lon: 103.8198 },
  { id: 'sydney', name: 'Sydney', countryCode: 'AU', lat: -33.8688, lon: 151.2093 },
  { id: 'mumbai', name: 'Mumbai', countryCode: 'IN', lat: 19.076, lon: 72.8777 },
];

export interface GpuTypeSeed {
  id: string;
  name: string;
  vendor: string;
  memoryGb: number;
}

export const GPU_TYPES: GpuTypeSeed[] = [
  { id: 'H100', name: 'NVIDIA H100 SXM 80GB', vendor: 'NVIDIA', memoryGb: 80 },
  { id: 'A100', name: 'NVIDIA A100 80GB', vendor: 'NVIDIA', memoryGb: 80 },
  { id: 'L40S', name: 'NVIDIA L40S', vendor: 'NVIDIA', memoryGb: 48 },
  { id: 'RTX-PRO-6000', name: 'NVIDIA RTX PRO 6000 Blackwell', vendor: 'NVIDIA', memoryGb: 96 },
  { id: 'A10G', name: 'NVIDIA A10G', vendor: 'NVIDIA', memoryGb: 24 },
  { id: 'L4', name: 'NVIDIA L4', vendor: 'NVIDIA', memoryGb: 24 },
];

export interface ModelSeed {
  id: string;
  name: string;
  family: string;
  parametersB: number;
  memoryGb: number;
  contextTokens: number;
  supportedGpuTypes: string[];
  modality: Modality;
}

const ALL_GPUS = GPU_TYPES.map((g) => g.id);
const BIG_GPUS = ['H100', 'A100', 'RTX-PRO-6000', 'L40S'];

export const MODELS: ModelSeed[] = [
  {
    id: 'llama-3.1-8b-instruct',
    name: 'Llama 3.1 8B Instruct',
    family: 'llama',
    parametersB: 8.03,
    memoryGb: 16.1,
    contextTokens: 131_072,
    supportedGpuTypes: ALL_GPUS,
    modality: 'TEXT',
  },
  {
    id: 'llama-3.1-70b-instruct',
    name: 'Llama 3.1 70B Instruct',
    family: 'llama',
    parametersB: 70.6,
    memoryGb: 141.2,
    contextTokens: 131_072,
    supportedGpuTypes: BIG_GPUS,
    modality: 'TEXT',
  },
  {
    id: 'mistral-7b-instruct-v0.3',
    name: 'Mistral 7B Instruct v0.3',
    family: 'mistral',
    parametersB: 7.25,
    memoryGb: 14.5,
    contextTokens: 32_768,
    supportedGpuTypes: ALL_GPUS,
    modality: 'TEXT',
  },
  {
    id: 'qwen2.5-7b-instruct',
    name: 'Qwen2.5 7B Instruct',
    family: 'qwen',
    parametersB: 7.62,
    memoryGb: 15.2,
    contextTokens: 32_768,
    supportedGpuTypes: ALL_GPUS,
    modality: 'TEXT',
  },
  {
    id: 'gemma-2-9b-it',
    name: 'Gemma 2 9B IT',
    family: 'gemma',
    parametersB: 9.24,
    memoryGb: 18.5,
    contextTokens: 8_192,
    supportedGpuTypes: ALL_GPUS,
    modality: 'TEXT',
  },
  {
    id: 'mixtral-8x7b-instruct',
    name: 'Mixtral 8x7B Instruct',
    family: 'mistral',
    parametersB: 46.7,
    memoryGb: 93.4,
    contextTokens: 32_768,
    supportedGpuTypes: BIG_GPUS,
    modality: 'TEXT',
  },
  {
    id: 'llama-3.2-11b-vision-instruct',
    name: 'Llama 3.2 11B Vision Instruct',
    family: 'llama',
    parametersB: 10.6,
    memoryGb: 21.3,
    contextTokens: 131_072,
    supportedGpuTypes: BIG_GPUS,
    modality: 'VISION',
  },
  {
    id: 'whisper-large-v3',
    name: 'Whisper large-v3',
    family: 'whisper',
    parametersB: 1.55,
    memoryGb: 3.1,
    contextTokens: 448,
    supportedGpuTypes: ALL_GPUS,
    modality: 'SPEECH',
  },
  {
    id: 'bge-m3',
    name: 'BGE-M3',
    family: 'bge',
    parametersB: 0.568,
    memoryGb: 1.1,
    contextTokens: 8_192,
    supportedGpuTypes: ALL_GPUS,
    modality: 'EMBEDDING',
  },
];
