export { seedDemo, DEMO_LOGINS, DEMO_PASSWORD } from './demo';
export * from './factories';
export { METROS, GPU_TYPES, MODELS } from './catalogue';
