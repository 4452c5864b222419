export { seedDemo, DEMO_LOGINS, DEMO_PASSWORD, DEMO_NODE_NAMES } from './demo';
export * from './factories';
export { METROS, GPU_TYPES, MODELS } from './catalogue';
