// The developer side of the API: endpoints, usage, and the audit log.
import { auditRouter } from './audit/audit-router';
import { endpointRouter } from './endpoint/endpoint-router';
import { usageRouter } from './usage/usage-router';

export const developerRouters = {
  endpoint: endpointRouter,
  usage: usageRouter,
  audit: auditRouter,
};
