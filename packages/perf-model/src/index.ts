export * from './gpu-specs';
export * from './engine-model';
export * from './calibration';
