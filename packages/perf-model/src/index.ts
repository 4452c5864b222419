export * from './gpu-specs';
export * from './engine-model';
