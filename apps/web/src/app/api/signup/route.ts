import { NextResponse } from 'next/server';
import { db } from '@/server/db';
import { signUp } from '@/server/auth/sign-up';

export async function POST(req: Request) {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return NextResponse.json(
      { error: { message: 'The request body must be JSON.' } },
      { status: 400 },
    );
  }
  const result = await signUp(db(), body);
  if (!result.ok) {
    return NextResponse.json(
      { error: { message: result.message, field: result.field } },
      { status: result.status },
    );
  }
  return NextResponse.json(
    { userId: result.userId, organizationId: result.organizationId },
    { status: 201 },
  );
}
