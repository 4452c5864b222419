// Flag and output helpers shared by the `aigrid` commands.
import { usdToMicros } from '../../money';
import { intFlag, list, numberFlag, str, UsageError, type CommandContext } from '../framework';

export function need(ctx: CommandContext, name: string): string {
  const v = str(ctx, name);
  if (v === undefined || v.trim() === '') throw new UsageError(`missing --${name}`);
  return v;
}

export function needList(ctx: CommandContext, name: string): string[] {
  const v = list(ctx, name).filter((x) => x.trim() !== '');
  if (!v.length) throw new UsageError(`missing --${name} (give it at least once)`);
  return v;
}

export function needInt(ctx: CommandContext, name: string, opts: { min?: number; max?: number }) {
  need(ctx, name);
  return intFlag(ctx, name, opts)!;
}

export function needNumber(
  ctx: CommandContext,
  name: string,
  opts: { min?: number; max?: number; exclusiveMin?: boolean },
) {
  need(ctx, name);
  return numberFlag(ctx, name, opts)!;
}

export function usdFlag(ctx: CommandContext, name: string): number | undefined {
  const raw = str(ctx, name);
  if (raw === undefined) return undefined;
  try {
    return usdToMicros(raw);
  } catch (err) {
    throw new UsageError(`--${name}: ${(err as Error).message}`);
  }
}

export function needUsd(ctx: CommandContext, name: string): number {
  need(ctx, name);
  return usdFlag(ctx, name)!;
}

export function arg(ctx: CommandContext, i = 0): string {
  return ctx.args[i]!;
}

export function lines(items: unknown[], empty: string, render: () => string): string {
  return items.length ? render() : empty;
}

export function idempotencyFlag() {
  return {
    'idempotency-key': {
      type: 'string' as const,
      value: 'KEY',
      help: 'retrying with the same key creates it only once (8-128 characters)',
    },
  };
}
