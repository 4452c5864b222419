// The engine core: continuous batching as vLLM's V1 scheduler does it, in simulated time.
// Each step (one forward pass):
// 1. running sequences first, in order: each asks for the tokens it has not computed yet (one
//    for a decoding sequence, the rest of its prompt for one being prefilled in chunks), within
//    the step's token budget (max_num_batched_tokens). A sequence that needs a KV block when none
//    is free preempts the last running sequence (its blocks are freed; it goes back to the front
//    of the queue and is recomputed later, mostly from the prefix cache);
// 2. then, if nothing was preempted, waiting sequences are admitted in arrival order while the
//    budget, max_num_seqs and free KV blocks allow; their prompt's longest cached prefix (hash
//    chain of full 16-token blocks) is reused and only the rest is computed;
// 3. the step lasts perf.stepMs(decoding sequences, their mean context, prefill tokens); at its
//    end every sequence whose tokens are all computed samples one new token.
// The core is synchronous and clock-free: a driver calls schedule(now) then complete(end).
import type { ReplicaPerf } from '@aigrid/perf-model';
import { BLOCK_SIZE, KvCache } from './kv-cache';
import { EngineMetrics, type FinishedReason } from './metrics';
import { hashInts, Rng, TextGenerator, vocabulary } from './textgen';

export interface EngineCoreConfig {
  perf: ReplicaPerf;
  maxModelLen: number;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  numBlocks: number;
  prefixCaching: boolean;
  seed: number;
  /** Mean length of an output that ends by itself (EOS), when max_tokens does not end it first. */
  meanOutputTokens: number;
}

export interface RequestSpec {
  promptIds: number[];
  maxTokens: number;
  minTokens: number;
  ignoreEos: boolean;
  stop: string[];
  seed?: number;
  arrivalMs: number;
}

export interface FinishInfo {
  reason: FinishedReason;
  /** The stop string that ended the output, or null (vLLM's stop_reason). */
  stopReason: string | null;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  arrivalMs: number;
  firstTokenMs: number;
  finishMs: number;
}

export interface RequestListener {
  /** New output text (one token's worth, unless held back for a stop string). */
  onText(text: string, nowMs: number): void;
  onFinish(info: FinishInfo): void;
}

const WAITING = 0;
const RUNNING = 1;
const FINISHED = 2;
const MIN_NATURAL_OUTPUT = 32;
const TWO32 = 4294967296;

export class Sequence {
  readonly tokens: number[];
  readonly promptLen: number;
  numComputed = 0;
  readonly blocks: number[] = [];
  /** Hashes of the full blocks of `tokens` computed so far (a chain: each covers its parent). */
  readonly hashes: number[] = [];
  registered = 0;
  output = 0;
  status = WAITING;
  cachedTokens = -1;
  scheduledMs = -1;
  firstTokenMs = -1;
  lastTokenMs = -1;
  text = '';
  emitted = 0;
  readonly naturalLength: number;
  readonly gen: TextGenerator;
  readonly holdBack: number;

  constructor(
    readonly id: number,
    readonly spec: RequestSpec,
    readonly listener: RequestListener,
    engineSeed: number,
    meanOutput: number,
  ) {
    this.tokens = spec.promptIds.slice();
    this.promptLen = spec.promptIds.length;
    const seed = hashInts(hashInts(engineSeed, [spec.seed ?? -1]), spec.promptIds);
    const rng = new Rng(seed);
    const u = rng.next();
    this.naturalLength =
      MIN_NATURAL_OUTPUT +
      Math.floor(-Math.log(1 - u) * Math.max(1, meanOutput - MIN_NATURAL_OUTPUT));
    this.gen = new TextGenerator(rng);
    this.holdBack = spec.stop.reduce((n, s) => Math.max(n, s.length - 1), 0);
  }
}

export interface StepPlan {
  seqs: Sequence[];
  counts: number[];
  decodeSeqs: number;
  prefillTokens: number;
  durationMs: number;
}

export class EngineCore {
  readonly kv: KvCache;
  readonly metrics: EngineMetrics;
  private readonly waiting: Sequence[] = [];
  private running: Sequence[] = [];
  private inflight: StepPlan | undefined;
  private nextId = 1;
  private readonly eosId = vocabulary().eosId;
  steps = 0;
  busyMs = 0;

  constructor(readonly config: EngineCoreConfig) {
    this.kv = new KvCache(config.numBlocks, config.prefixCaching);
    this.metrics = new EngineMetrics(config.maxModelLen);
  }

  get numRunning(): number {
    return this.running.length;
  }
  get numWaiting(): number {
    return this.waiting.length;
  }
  get hasWork(): boolean {
    return this.running.length > 0 || this.waiting.length > 0;
  }

  add(spec: RequestSpec, listener: RequestListener): Sequence {
    const seq = new Sequence(
      this.nextId++,
      spec,
      listener,
      this.config.seed,
      this.config.meanOutputTokens,
    );
    this.waiting.push(seq);
    return seq;
  }

  /** Ends a request early (client gone): frees its blocks; no more events reach its listener. */
  abort(seq: Sequence): void {
    if (seq.status === FINISHED) return;
    if (seq.status === WAITING) {
      const i = this.waiting.indexOf(seq);
      if (i >= 0) this.waiting.splice(i, 1);
    } else {
      const i = this.running.indexOf(seq);
      if (i >= 0) this.running.splice(i, 1);
    }
    seq.status = FINISHED;
    this.kv.release(seq.blocks);
    this.metrics.success.abort++;
  }

  /** Plans the next step at simulated time `nowMs`, or returns undefined when idle. */
  schedule(nowMs: number): StepPlan | undefined {
    if (this.inflight) throw new Error('a step is already in flight');
    if (!this.hasWork) return undefined;
    const { maxNumBatchedTokens, maxNumSeqs, perf } = this.config;
    const kv = this.kv;
    const plan: StepPlan = { seqs: [], counts: [], decodeSeqs: 0, prefillTokens: 0, durationMs: 0 };
    let budget = maxNumBatchedTokens;
    let decodeContext = 0;
    let preempted = false;

    for (let i = 0; i < this.running.length && budget > 0; i++) {
      const seq = this.running[i]!;
      const n = Math.min(seq.tokens.length - seq.numComputed, budget);
      const need = Math.ceil((seq.numComputed + n) / BLOCK_SIZE) - seq.blocks.length;
      let scheduled = true;
      while (need > 0 && !kv.allocate(need, seq.blocks)) {
        const victim = this.running.pop()!;
        this.preempt(victim);
        preempted = true;
        if (victim === seq) {
          scheduled = false;
          break;
        }
      }
      if (!scheduled) break;
      plan.seqs.push(seq);
      plan.counts.push(n);
      budget -= n;
      if (n === 1 && seq.output > 0) {
        plan.decodeSeqs++;
        decodeContext += seq.tokens.length;
      } else plan.prefillTokens += n;
    }

    while (
      !preempted &&
      budget > 0 &&
      this.waiting.length > 0 &&
      this.running.length < maxNumSeqs
    ) {
      const seq = this.waiting[0]!;
      const total = seq.tokens.length;
      // At least the last token is computed, so a fully cached prompt still yields a token.
      const maxCachedBlocks = Math.floor((total - 1) / BLOCK_SIZE);
      let hit = 0;
      if (kv.prefixCaching) {
        this.ensureHashes(seq, maxCachedBlocks);
        hit = kv.lookup(seq.hashes, maxCachedBlocks);
      }
      const computed = hit * BLOCK_SIZE;
      const n = Math.min(total - computed, budget);
      const need = Math.ceil((computed + n) / BLOCK_SIZE) - hit;
      if (kv.freeAfterAcquiring(seq.hashes, hit) < need) break;
      kv.acquireCached(seq.hashes, hit, seq.blocks);
      kv.allocate(need, seq.blocks);
      seq.numComputed = computed;
      seq.registered = hit;
      this.waiting.shift();
      seq.status = RUNNING;
      this.running.push(seq);
      this.metrics.prefixCacheQueries += total;
      this.metrics.prefixCacheHits += computed;
      if (seq.cachedTokens < 0) {
        seq.cachedTokens = computed;
        seq.scheduledMs = nowMs;
        this.metrics.queue.observe((nowMs - seq.spec.arrivalMs) / 1000);
      }
      plan.seqs.push(seq);
      plan.counts.push(n);
      plan.prefillTokens += n;
      budget -= n;
    }

    if (plan.seqs.length === 0) return undefined;
    plan.durationMs = perf.stepMs(
      plan.decodeSeqs,
      plan.decodeSeqs > 0 ? decodeContext / plan.decodeSeqs : 0,
      plan.prefillTokens,
    );
    this.inflight = plan;
    return plan;
  }

  /** Applies the step in flight, which ended at simulated time `endMs`. */
  complete(endMs: number): void {
    const plan = this.inflight;
    if (!plan) return;
    this.inflight = undefined;
    this.steps++;
    this.busyMs += plan.durationMs;
    let finishedAny = false;
    for (let i = 0; i < plan.seqs.length; i++) {
      const seq = plan.seqs[i]!;
      if (seq.status !== RUNNING) continue; // aborted or preempted meanwhile
      seq.numComputed += plan.counts[i]!;
      if (this.kv.prefixCaching) {
        const full = Math.floor(seq.numComputed / BLOCK_SIZE);
        if (full > seq.registered) {
          this.ensureHashes(seq, full);
          for (let b = seq.registered; b < full; b++)
            this.kv.register(seq.blocks[b]!, seq.hashes[b]!);
          seq.registered = full;
        }
      }
      if (seq.numComputed < seq.tokens.length) continue; // prefill not done yet
      if (this.sample(seq, endMs)) finishedAny = true;
    }
    if (finishedAny) this.running = this.running.filter((s) => s.status === RUNNING);
  }

  private preempt(seq: Sequence): void {
    this.kv.release(seq.blocks);
    seq.numComputed = 0;
    seq.registered = 0;
    seq.status = WAITING;
    this.waiting.unshift(seq);
    this.metrics.preemptions++;
  }

  private ensureHashes(seq: Sequence, nBlocks: number): void {
    const { hashes, tokens } = seq;
    while (hashes.length < nBlocks) {
      const i = hashes.length;
      const parent = i === 0 ? 0 : hashes[i - 1]!;
      const lo = parent % TWO32;
      const hi = Math.floor(parent / TWO32);
      const from = i * BLOCK_SIZE;
      const h1 = hashInts(lo ^ 0x9e3779b9, tokens, from, from + BLOCK_SIZE);
      const h2 = hashInts(hi ^ 0x7f4a7c15, tokens, from, from + BLOCK_SIZE);
      hashes.push(h1 * 1048576 + (h2 >>> 12));
    }
  }

  /** Samples one token for `seq`; returns true when the sequence finished. */
  private sample(seq: Sequence, nowMs: number): boolean {
    const m = this.metrics;
    const { spec } = seq;
    if (seq.output === 0) {
      m.promptTokens += seq.promptLen;
      m.requestPromptTokens.observe(seq.promptLen);
    }
    let text = '';
    let reason: FinishedReason | undefined;
    let stopReason: string | null = null;
    if (!spec.ignoreEos && seq.output + 1 >= seq.naturalLength && seq.output >= spec.minTokens) {
      seq.tokens.push(this.eosId);
      reason = 'stop';
    } else {
      const t = seq.gen.next();
      seq.tokens.push(t.id);
      text = t.text;
    }
    seq.output++;
    m.generationTokens++;
    if (seq.firstTokenMs < 0) {
      seq.firstTokenMs = nowMs;
      m.ttft.observe((nowMs - spec.arrivalMs) / 1000);
    } else m.itl.observe((nowMs - seq.lastTokenMs) / 1000);
    seq.lastTokenMs = nowMs;

    let delta = text;
    if (spec.stop.length > 0) {
      const before = seq.text.length;
      seq.text += text;
      if (seq.output > spec.minTokens || reason) {
        for (const s of spec.stop) {
          const at = seq.text.indexOf(s, Math.max(0, before - s.length + 1));
          if (at >= 0 && !reason) {
            seq.text = seq.text.slice(0, at);
            reason = 'stop';
            stopReason = s;
          }
        }
      }
      const end = reason ? seq.text.length : Math.max(seq.emitted, seq.text.length - seq.holdBack);
      delta = seq.text.slice(seq.emitted, end);
      seq.emitted = end;
    }
    if (!reason && seq.output >= spec.maxTokens) reason = 'length';
    if (!reason && seq.tokens.length >= this.config.maxModelLen) reason = 'length';
    if (delta) seq.listener.onText(delta, nowMs);
    if (!reason) return false;

    seq.status = FINISHED;
    this.kv.release(seq.blocks);
    m.success[reason]++;
    m.requestGenerationTokens.observe(seq.output);
    m.e2e.observe((nowMs - spec.arrivalMs) / 1000);
    m.prefill.observe((seq.firstTokenMs - seq.scheduledMs) / 1000);
    m.decode.observe((nowMs - seq.firstTokenMs) / 1000);
    if (seq.output > 1) m.tpot.observe((nowMs - seq.firstTokenMs) / 1000 / (seq.output - 1));
    seq.listener.onFinish({
      reason,
      stopReason,
      promptTokens: seq.promptLen,
      completionTokens: seq.output,
      cachedTokens: Math.max(0, seq.cachedTokens),
      arrivalMs: spec.arrivalMs,
      firstTokenMs: seq.firstTokenMs,
      finishMs: nowMs,
    });
    return true;
  }
}
