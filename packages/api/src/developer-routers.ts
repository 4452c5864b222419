// The developer side of the API: endpoints, usage, and the audit log.
export const developerRouters = {};
