// Shared handling of the agent routes: JSON in, the agent's result out as JSON.
import { bearerToken, type AgentResult } from '@aigrid/api';
import type { Db } from '@aigrid/db';
import { NextResponse } from 'next/server';
import { db } from './db';

export async function agentRoute<T>(
  req: Request,
  handle: (db: Db, token: string | null, body: unknown, now: Date) => Promise<AgentResult<T>>,
): Promise<Response> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return NextResponse.json({ error: { message: 'The body must be JSON.' } }, { status: 400 });
  }
  const result = await handle(
    db(),
    bearerToken(req.headers.get('authorization')),
    body,
    new Date(),
  );
  return result.ok
    ? NextResponse.json(result.value)
    : NextResponse.json({ error: { message: result.message } }, { status: result.status });
}
