import { describe, expect, it } from 'vitest';
import { applyChatTemplate, chatPromptIds, completionPromptIds, encode } from './tokenizer';
import { Rng, TextGenerator } from './textgen';

describe('tokenizer', () => {
  it('counts with the real Llama 3 vocabulary', () => {
    expect(encode('Hello world!', { bos: false })).toEqual([9906, 1917, 0]);
    expect(completionPromptIds('Hello world!')).toEqual([128000, 9906, 1917, 0]);
  });

  it('applies the Llama 3.1 chat template before counting', () => {
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: ' Hi ' },
    ];
    const text = applyChatTemplate(messages, 'llama-3.1');
    expect(text).toBe(
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n' +
        'Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nBe brief.<|eot_id|>' +
        '<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n',
    );
    const ids = chatPromptIds(messages, 'llama-3.1');
    expect(ids[0]).toBe(128000);
    expect(ids.filter((id) => id === 128009)).toHaveLength(2);
    expect(applyChatTemplate([{ role: 'user', content: 'Hi' }], 'llama-3')).toBe(
      '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n',
    );
  });

  it('generates text that tokenizes back to exactly the generated token count', () => {
    for (let seed = 0; seed < 20; seed++) {
      const gen = new TextGenerator(new Rng(seed));
      let text = '';
      const n = 40 + seed * 7;
      for (let i = 0; i < n; i++) text += gen.next().text;
      expect(encode(text, { bos: false })).toHaveLength(n);
    }
  });
});
