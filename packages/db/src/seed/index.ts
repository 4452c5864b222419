export { seedDemo, DEMO_LOGINS, DEMO_PASSWORD } from './demo.js';
export * from './factories.js';
export { METROS, GPU_TYPES, MODELS } from './catalogue.js';
