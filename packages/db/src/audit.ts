import type { Prisma } from '../generated/prisma/client';

export interface AuditEntry {
  organizationId?: string | null;
  actorUserId?: string | null;
  actorApiKeyId?: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  data?: Prisma.InputJsonValue;
}

/** Writes an audit row; call it inside the transaction of the write it records. */
export async function writeAudit(tx: Prisma.TransactionClient, entry: AuditEntry): Promise<void> {
  await tx.auditLog.create({ data: entry });
}
