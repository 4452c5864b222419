// Deterministic output text: words drawn by a seeded PRNG from a fixed list, each of which is
// exactly one Llama 3 token (with its leading space), so the count of generated tokens is exact
// and the text tokenizes back to the same number of tokens.
import { encode } from './tokenizer';

const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which ' +
  'but have an they you were her she there been one all we their has would when if so no will ' +
  'more can out other into only new some could time these two may first then do any like my ' +
  'now over such our man me even most made after also did many before must through back years ' +
  'where much your way well down should because each just those people how too little state ' +
  'good very make world still own see men work long get here between both life being under ' +
  'never day same another know while last might us great old year off come since against go ' +
  'came right used take three grid model token cache network edge data light river city north ' +
  'south water power signal route stone field paper window garden market answer number system'
).split(' ');

const CAPITALISED = ['The', 'It', 'This', 'In', 'We', 'A', 'When', 'There', 'Each', 'Our'];

export interface Vocabulary {
  /** Token ids and texts of the words, with a leading space. */
  ids: number[];
  texts: string[];
  /** Words that start a sentence, without a leading space (first token of the output). */
  startIds: number[];
  startTexts: string[];
  /** Words that start a sentence after a full stop, with a leading space. */
  capIds: number[];
  capTexts: string[];
  periodId: number;
  /** <|eot_id|>, the token Llama 3 Instruct ends a turn with. */
  eosId: number;
}

function singleTokens(words: string[], prefix: string): { ids: number[]; texts: string[] } {
  const ids: number[] = [];
  const texts: string[] = [];
  for (const w of new Set(words)) {
    const enc = encode(prefix + w, { bos: false });
    if (enc.length === 1) {
      ids.push(enc[0]!);
      texts.push(prefix + w);
    }
  }
  return { ids, texts };
}

let vocab: Vocabulary | undefined;

export function vocabulary(): Vocabulary {
  if (vocab) return vocab;
  const words = singleTokens(WORDS, ' ');
  const start = singleTokens(CAPITALISED, '');
  const cap = singleTokens(CAPITALISED, ' ');
  const period = encode('.', { bos: false });
  vocab = {
    ids: words.ids,
    texts: words.texts,
    startIds: start.ids,
    startTexts: start.texts,
    capIds: cap.ids,
    capTexts: cap.texts,
    periodId: period[0]!,
    eosId: encode('<|eot_id|>', { bos: false })[0]!,
  };
  return vocab;
}

/** 32-bit hash of a sequence of integers (FNV-1a over 32-bit words, then a final mix). */
export function hashInts(seed: number, values: ArrayLike<number>, from = 0, to = values.length) {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = from; i < to; i++) {
    h = Math.imul(h ^ (values[i]! & 0xffff), 0x01000193);
    h = Math.imul(h ^ (values[i]! >>> 16), 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** Mulberry32: a small, fast, seedable PRNG. State is one uint32. */
export class Rng {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** Generates one sequence's tokens: sentences of 6 to 16 words ending with a full stop. */
export class TextGenerator {
  private readonly v = vocabulary();
  private wordsLeft = 0;
  private count = 0;
  constructor(private readonly rng: Rng) {}

  /** The next token: its id and text. */
  next(): { id: number; text: string } {
    const v = this.v;
    const first = this.count++ === 0;
    if (!first && this.wordsLeft === 0) {
      this.wordsLeft = -1;
      return { id: v.periodId, text: '.' };
    }
    if (first || this.wordsLeft < 0) {
      this.wordsLeft = 5 + this.rng.int(11);
      const i = this.rng.int(first ? v.startIds.length : v.capIds.length);
      return first
        ? { id: v.startIds[i]!, text: v.startTexts[i]! }
        : { id: v.capIds[i]!, text: v.capTexts[i]! };
    }
    this.wordsLeft--;
    const i = this.rng.int(v.ids.length);
    return { id: v.ids[i]!, text: v.texts[i]! };
  }
}
