// Rewrites engine responses for the client: `model` goes back from the engine's model id to the
// endpoint name, and the usage the engine reports is read for metering. Streams are handled on
// SSE event boundaries without parsing the per-token events (a plain string replacement of the
// compact `"model":"<id>"`); only events carrying usage, or not in the compact form, are parsed.
// The final usage-only event is dropped when the client did not ask for it (the gateway always
// asks the engine for usage so that it can meter).

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

function readUsage(json: unknown): Usage | null {
  if (typeof json !== 'object' || json === null) return null;
  const usage = (json as { usage?: unknown }).usage;
  if (typeof usage !== 'object' || usage === null) return null;
  const u = usage as { prompt_tokens?: unknown; completion_tokens?: unknown };
  const p = Number(u.prompt_tokens);
  const c = Number(u.completion_tokens);
  return {
    promptTokens: Number.isInteger(p) && p >= 0 ? p : 0,
    completionTokens: Number.isInteger(c) && c >= 0 ? c : 0,
  };
}

/** A non-streaming JSON response with `model` rewritten, and its usage. */
export function rewriteJsonResponse(
  text: string,
  endpointName: string,
): { body: string; usage: Usage | null } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { body: text, usage: null };
  }
  if (typeof json === 'object' && json !== null && 'model' in json) {
    (json as { model: unknown }).model = endpointName;
  }
  return { body: JSON.stringify(json), usage: readUsage(json) };
}

export class SseRewriter {
  usage: Usage | null = null;
  /** Events carrying generated content (an estimate of completion tokens if usage never comes). */
  contentEvents = 0;
  private buffer = '';
  private readonly needle: string;
  private readonly replacement: string;

  constructor(
    modelId: string,
    private readonly endpointName: string,
    private readonly forwardUsage: boolean,
  ) {
    this.needle = `"model":${JSON.stringify(modelId)}`;
    this.replacement = `"model":${JSON.stringify(endpointName)}`;
  }

  /** Feeds upstream text; returns what to write to the client now (complete events only). */
  push(chunk: string): string {
    this.buffer += chunk;
    let out = '';
    let start = 0;
    for (;;) {
      const end = this.buffer.indexOf('\n\n', start);
      if (end < 0) break;
      out += this.event(this.buffer.slice(start, end + 2));
      start = end + 2;
    }
    this.buffer = start === 0 ? this.buffer : this.buffer.slice(start);
    return out;
  }

  /** Whatever incomplete event is left when the upstream ends. */
  flush(): string {
    const rest = this.buffer;
    this.buffer = '';
    return rest ? this.event(rest) : '';
  }

  private event(event: string): string {
    if (!event.startsWith('data: ') || event.startsWith('data: [DONE]')) return event;
    const hasUsage = event.includes('"usage":{');
    if (!hasUsage && event.includes(this.needle)) {
      this.contentEvents++;
      return event.replace(this.needle, this.replacement);
    }
    const payload = event.slice(6).trimEnd();
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(payload) as Record<string, unknown>;
    } catch {
      return event;
    }
    const usage = readUsage(json);
    const choices = Array.isArray(json.choices) ? json.choices : [];
    if (usage) this.usage = usage;
    if (choices.length > 0) this.contentEvents++;
    if (usage && choices.length === 0 && !this.forwardUsage) return '';
    if (usage && !this.forwardUsage) delete json.usage;
    if ('model' in json) json.model = this.endpointName;
    return `data: ${JSON.stringify(json)}\n\n`;
  }
}

/** An OpenAI-style error event, ending a stream that failed after it started. */
export function sseErrorEvent(message: string, code: string): string {
  return `data: ${JSON.stringify({ error: { message, type: 'server_error', param: null, code } })}\n\n`;
}
