import { NextResponse } from 'next/server';
import { checkHealth } from '@/server/health';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  const deep = new URL(req.url).searchParams.get('deep') === '1';
  const health = await checkHealth({ deep });
  return NextResponse.json(health, {
    status: health.status === 'ok' ? 200 : 503,
    headers: { 'cache-control': 'no-store' },
  });
}
