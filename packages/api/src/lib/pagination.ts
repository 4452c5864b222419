import { z } from 'zod';

export const ZPageInput = z.object({
  cursor: z.string().min(1).max(64).optional(),
  limit: z.number().int().min(1).max(100).default(50),
});

export type TPageInput = z.infer<typeof ZPageInput>;

export function ZPage<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** Query arguments for one page ordered by id; the cursor is the last id already seen. */
export function pageQuery(input: { cursor?: string; limit: number }) {
  return {
    where: input.cursor ? { id: { gt: input.cursor } } : {},
    orderBy: { id: 'asc' as const },
    take: input.limit + 1,
  };
}

export function toPage<T extends { id: string }>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}
