// Token counts from the real Llama 3 tokenizer (vocabulary shipped in the package, nothing is
// downloaded at run time), and the Llama 3 / 3.1 chat templates vLLM applies before tokenizing.
import llama3Tokenizer from 'llama3-tokenizer-js';

export interface ChatMessage {
  role: string;
  content: string;
}

export type ChatTemplate = 'llama-3.1' | 'llama-3';

export const BOS = '<|begin_of_text|>';
const header = (role: string) => `<|start_header_id|>${role}<|end_header_id|>\n\n`;
const EOT = '<|eot_id|>';

/**
 * Renders messages the way the model's Jinja chat template does, with the generation prompt.
 * `llama-3.1` is the Llama 3.1/3.2/3.3 Instruct template without tools: it always opens with a
 * system turn carrying the knowledge-cutoff and date lines, then the system message (if any).
 * `llama-3` is the Llama 3 Instruct template. Contents are trimmed, as both templates do.
 */
export function applyChatTemplate(messages: ChatMessage[], template: ChatTemplate): string {
  let out = BOS;
  let rest = messages;
  if (template === 'llama-3.1') {
    let system = '';
    if (messages[0]?.role === 'system') {
      system = messages[0].content.trim();
      rest = messages.slice(1);
    }
    out +=
      header('system') +
      'Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n' +
      system +
      EOT;
  }
  for (const m of rest) out += header(m.role) + m.content.trim() + EOT;
  return out + header('assistant');
}

/** Token ids of text; special tokens written in the text (e.g. <|eot_id|>) count as one. */
export function encode(text: string, options: { bos: boolean }): number[] {
  return llama3Tokenizer.encode(text, { bos: options.bos, eos: false });
}

export function decode(ids: number[]): string {
  return llama3Tokenizer.decode(ids);
}

/** Prompt token ids of a chat request: the templated text, BOS already in it. */
export function chatPromptIds(messages: ChatMessage[], template: ChatTemplate): number[] {
  return encode(applyChatTemplate(messages, template), { bos: false });
}

/** Prompt token ids of a completions request: vLLM's tokenizer adds BOS. */
export function completionPromptIds(prompt: string): number[] {
  return encode(prompt, { bos: true });
}

export function templateFor(modelName: string): ChatTemplate {
  return /llama-?3\.[123]/i.test(modelName) ? 'llama-3.1' : 'llama-3';
}
