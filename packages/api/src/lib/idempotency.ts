// Retry-safe creates: a mutation sent with an `idempotencyKey` runs once per organisation,
// procedure and key; a retry gets the first result back. The claim is a unique row, so two
// simultaneous retries cannot both run.
import { createHash } from 'node:crypto';
import { Prisma, type Db } from '@aigrid/db';
import { TRPCError } from '@trpc/server';
import superjson from 'superjson';

function hashInput(input: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(superjson.serialize(input)))
    .digest('hex');
}

export async function idempotent<T>(
  db: Db,
  scope: { organizationId: string; procedure: string; key: string | undefined; input: unknown },
  run: () => Promise<T>,
): Promise<T> {
  if (!scope.key) return run();
  const id = {
    organizationId: scope.organizationId,
    procedure: scope.procedure,
    key: scope.key,
  };
  const inputHash = hashInput(scope.input);
  try {
    await db.idempotencyRecord.create({ data: { ...id, inputHash } });
  } catch (err) {
    if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')) throw err;
    const existing = await db.idempotencyRecord.findUnique({
      where: { organizationId_procedure_key: id },
    });
    if (existing && existing.inputHash !== inputHash) {
      throw new TRPCError({
        code: 'CONFLICT',
        message: 'This idempotencyKey was already used for a different request.',
      });
    }
    if (!existing?.output) {
      throw new TRPCError({
        code: 'CONFLICT',
        message: 'A request with this idempotencyKey is still running; retry in a moment.',
      });
    }
    return superjson.deserialize(existing.output as never) as T;
  }
  try {
    const result = await run();
    await db.idempotencyRecord.update({
      where: { organizationId_procedure_key: id },
      data: { output: superjson.serialize(result) as unknown as Prisma.InputJsonValue },
    });
    return result;
  } catch (err) {
    await db.idempotencyRecord.delete({ where: { organizationId_procedure_key: id } });
    throw err;
  }
}
