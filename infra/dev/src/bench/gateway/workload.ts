// The shared-prefix chat workload of the routing comparison: 16 long system prompts, each used
// by 4 conversations with their own history, from clients in three metros; each request is one
// conversation's system prompt + history + a short new user turn. Poisson arrivals from a seeded
// generator, so every policy gets exactly the same requests at the same times.
import { applyChatTemplate, encode } from '@aigrid/engine-sim';

export interface ChatMessage {
  role: string;
  content: string;
}
import { seededRng } from '@aigrid/routing';

export const WORKLOAD = {
  systemPrompts: 16,
  conversationsPerPrompt: 4,
  systemWords: 900,
  historyWords: 800,
  requestsPerS: 12,
  durationMs: 30_000,
  /** Requests sent before this are warm-up for every policy and not counted. */
  warmUpMs: 5_000,
  maxTokens: [32, 128] as const,
  /** Share of conversations by client metro. */
  metros: [
    ['frankfurt', 0.5],
    ['paris', 0.25],
    ['amsterdam', 0.25],
  ] as const,
};

const WORDS = (
  'network latency replica gateway operator region cache prefix token model tenant endpoint ' +
  'request stream router metro site power cooling rack fibre backbone peering transit budget ' +
  'invoice contract policy sovereign data centre customer support ticket incident outage ' +
  'escalation capacity forecast quarterly review summary document section clause liability ' +
  'warranty service level agreement availability throughput monitoring alert dashboard release ' +
  'deployment rollback canary schedule maintenance window upgrade firmware driver kernel'
).split(' ');

function text(rng: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    out.push(WORDS[Math.floor(rng() * WORDS.length)]!);
    if (i % 14 === 13) out.push('.\n');
  }
  return out.join(' ');
}

export interface Conversation {
  metroId: string;
  messages: ChatMessage[];
}

export interface PlannedRequest {
  atMs: number;
  conversation: number;
  metroId: string;
  messages: ChatMessage[];
  maxTokens: number;
}

export function buildConversations(seed = 7): Conversation[] {
  const rng = seededRng(seed);
  const systems = Array.from(
    { length: WORKLOAD.systemPrompts },
    (_, i) =>
      `You are assistant #${i} of a telco operator. Follow the handbook below.\n${text(rng, WORKLOAD.systemWords)}`,
  );
  const conversations: Conversation[] = [];
  for (let s = 0; s < systems.length; s++) {
    for (let c = 0; c < WORKLOAD.conversationsPerPrompt; c++) {
      const u = rng();
      let acc = 0;
      let metroId: string = WORKLOAD.metros[0][0];
      for (const [metro, share] of WORKLOAD.metros) {
        acc += share;
        if (u < acc) {
          metroId = metro;
          break;
        }
      }
      conversations.push({
        metroId,
        messages: [
          { role: 'system', content: systems[s]! },
          {
            role: 'user',
            content: `Please review this for me:\n${text(rng, WORKLOAD.historyWords / 2)}`,
          },
          { role: 'assistant', content: text(rng, WORKLOAD.historyWords / 2) },
        ],
      });
    }
  }
  return conversations;
}

export function planRequests(conversations: Conversation[], seed = 11): PlannedRequest[] {
  const rng = seededRng(seed);
  const plan: PlannedRequest[] = [];
  const [minTokens, maxTokens] = WORKLOAD.maxTokens;
  for (let t = 0, n = 0; ; n++) {
    t += (-Math.log(1 - rng()) / WORKLOAD.requestsPerS) * 1000;
    if (t >= WORKLOAD.durationMs) break;
    const conversation = Math.floor(rng() * conversations.length);
    const conv = conversations[conversation]!;
    plan.push({
      atMs: t,
      conversation,
      metroId: conv.metroId,
      messages: [...conv.messages, { role: 'user', content: `Follow-up ${n}: ${text(rng, 20)}?` }],
      maxTokens: minTokens + Math.floor(rng() * (maxTokens - minTokens + 1)),
    });
  }
  return plan;
}

/** Prompt tokens of a request as the engines count them (Llama 3.1 template and tokenizer). */
export function promptTokens(messages: ChatMessage[]): number {
  return encode(applyChatTemplate(messages, 'llama-3.1'), { bos: false }).length;
}
