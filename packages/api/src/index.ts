export { appRouter, type AppRouter } from './root';
export {
  createApiContext,
  type ApiContext,
  type GridControl,
  type Principal,
  DEFAULT_LIMITS,
} from './context';
export { createCallerFactory, formatZodError, RetryAfter, type Access, type Meta } from './trpc';
export { generateApiKey, hashApiKey, findApiKey } from './auth/api-key';
export { generateOpenApiDocument } from './openapi/generate-openapi';
export * from './agent/index';
export { generateEnrolmentToken } from './node/enrolment-token';
export { loadMarketGrid } from './endpoint/preview-endpoint';
export * from './gateway/index';
export type { TPlacementPreview, TPreviewEndpointInput } from './endpoint/preview-endpoint';
export { JURISDICTIONS } from './lib/schemas';
