export {
  createAigridClient,
  signInWithPassword,
  signUp,
  getSessionUser,
  call,
  normaliseBaseUrl,
  sessionCookieName,
  type AigridClient,
  type AigridClientOptions,
  type AppRouter,
  type SignUpInput,
} from './client';
export {
  AigridError,
  toAigridError,
  errorCode,
  isNetworkFailure,
  type AigridErrorCode,
  type AigridErrorIssue,
} from './errors';
export { usdToMicros, formatMicrosUsd } from './money';
