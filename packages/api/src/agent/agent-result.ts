export type AgentResult<T> =
  { ok: true; value: T } | { ok: false; status: 400 | 401 | 403 | 409; message: string };
