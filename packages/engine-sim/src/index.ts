export { startEngine } from './server';
export type { EngineHandle, EngineModel, EngineStats, StartEngineOptions } from './server';
export { ENGINE_MODELS, catalogueModel, type CatalogueModel } from './catalogue';
export { EngineCore, type EngineCoreConfig, type FinishInfo, type RequestSpec } from './scheduler';
export { KvCache, BLOCK_SIZE } from './kv-cache';
export { applyChatTemplate, chatPromptIds, completionPromptIds, encode } from './tokenizer';
export { simulate, calibrate, type SimulationResult, type SimulationWorkload } from './simulate';
