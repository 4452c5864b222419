export { appRouter, type AppRouter } from './root';
export { createApiContext, type ApiContext, type Principal, DEFAULT_LIMITS } from './context';
export { createCallerFactory, RetryAfter, type Access, type Meta } from './trpc';
export { generateApiKey, hashApiKey, findApiKey } from './auth/api-key';
export { generateOpenApiDocument } from './openapi/generate-openapi';
export * from './agent/index';
export { generateEnrolmentToken } from './node/enrolment-token';
