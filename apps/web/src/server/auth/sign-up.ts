// Self-serve sign-up: a user, their organisation and an owner membership (and, for an operator,
// its profile awaiting a platform admin's approval), in one transaction with its audit row. Framework-free so that the API and tests call it directly.
import { hashPassword, writeAudit, Prisma, type Db } from '@aigrid/db';
import { slugify } from '@aigrid/db/seed';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

const COMMON_PASSWORDS = new Set([
  'password',
  'password1',
  'password123',
  '123456789',
  '1234567890',
  'qwertyuiop',
  'iloveyou123',
  'letmein123',
  'welcome123',
  'changeme123',
]);

export const ZPassword = z
  .string()
  .min(10, 'Password must be at least 10 characters.')
  .max(200, 'Password must be at most 200 characters.')
  .refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), 'This password is too common.')
  .refine((p) => /[a-zA-Z]/.test(p) && /[^a-zA-Z]/.test(p), {
    message: 'Password must mix letters with digits or symbols.',
  });

export const ZSignUpInput = z.object({
  name: z.string().trim().min(1, 'Enter your name.').max(100, 'Name is too long.'),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email('Enter a valid e-mail address.').max(254, 'E-mail is too long.')),
  password: ZPassword,
  organizationName: z
    .string()
    .trim()
    .min(2, 'Organisation name must be at least 2 characters.')
    .max(100, 'Organisation name is too long.'),
  kind: z.enum(['DEVELOPER', 'OPERATOR'], 'Choose developer or operator.'),
});

export type TSignUpInput = z.infer<typeof ZSignUpInput>;

export type SignUpResult =
  | { ok: true; userId: string; organizationId: string }
  | { ok: false; status: 400 | 409; field?: string; message: string };

export async function signUp(db: Db, raw: unknown): Promise<SignUpResult> {
  const parsed = ZSignUpInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      status: 400,
      field: issue?.path.join('.') || undefined,
      message: issue?.message ?? 'Invalid input.',
    };
  }
  const input = parsed.data;
  const taken = {
    ok: false,
    status: 409,
    field: 'email',
    message: 'An account with this e-mail already exists. Sign in instead.',
  } as const;
  if (await db.user.findUnique({ where: { email: input.email }, select: { id: true } }))
    return taken;

  const passwordHash = await hashPassword(input.password);
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { email: input.email, name: input.name, passwordHash },
      });
      const organization = await tx.organization.create({
        data: {
          name: input.organizationName,
          slug: `${slugify(input.organizationName)}-${randomBytes(3).toString('hex')}`,
          kinds: [input.kind],
          memberships: { create: { userId: user.id, role: 'OWNER' } },
          // As org.create does: the profile a platform admin approves before the operator's
          // capacity reaches the marketplace.
          ...(input.kind === 'OPERATOR'
            ? { operator: { create: { legalName: input.organizationName } } }
            : {}),
        },
      });
      await writeAudit(tx, {
        organizationId: organization.id,
        actorUserId: user.id,
        action: 'user.sign_up',
        targetType: 'User',
        targetId: user.id,
        data: { kind: input.kind },
      });
      return { ok: true as const, userId: user.id, organizationId: organization.id };
    });
  } catch (err) {
    // Two sign-ups with one e-mail at the same moment: the unique index decides.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return taken;
    throw err;
  }
}
