import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ApiContext } from '../context';
import { appRouter } from '../root';
import { publicProcedure, router } from '../trpc';
import { generateOpenApiDocument, type OpenApiOperation } from './generate-openapi';

const doc = generateOpenApiDocument(appRouter, { baseUrl: 'https://grid.example.com/' });
const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
);

function operation(path: string): OpenApiOperation {
  const item = doc.paths[`/api/trpc/${path}`];
  const op = item?.get ?? item?.post;
  if (!op) throw new Error(`no operation for ${path}`);
  return op;
}

type Schema = { required?: string[]; properties?: Record<string, Schema> };

function requestInputSchema(op: OpenApiOperation): Schema {
  const body = op.requestBody as
    { content: { 'application/json': { schema: Schema } } } | undefined;
  const param = op.parameters?.find((p) => p.name === 'input') as
    { content: { 'application/json': { schema: Schema } } } | undefined;
  const envelope = (body ?? param)?.content['application/json'].schema;
  return envelope?.properties?.json ?? {};
}

describe('generateOpenApiDocument', () => {
  it('is an OpenAPI 3.1.0 document for the given server', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'https://grid.example.com' }]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'session']);
    // The whole document is plain JSON.
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('has one operation per procedure: GET for queries, POST for mutations', () => {
    const operations = Object.values(doc.paths).flatMap((item) => Object.keys(item));
    expect(operations).toHaveLength(procedures.length);
    for (const [path, p] of procedures) {
      const item = doc.paths[`/api/trpc/${path}`];
      expect(item, path).toBeDefined();
      expect(Object.keys(item!), path).toEqual([p._def.type === 'query' ? 'get' : 'post']);
    }
  });

  it('describes inputs from the zod schemas: a create requires a name', () => {
    const path = doc.paths['/api/trpc/site.create'] ? 'site.create' : 'apiKey.create';
    const op = operation(path);
    expect(op.requestBody).toMatchObject({ required: true });
    const input = requestInputSchema(op);
    expect(input.required).toContain('name');
    expect(input.properties?.name).toMatchObject({ type: 'string' });
  });

  it('describes query inputs as the URL-encoded `input` parameter', () => {
    const op = operation('apiKey.list');
    const param = op.parameters?.find((p) => p.name === 'input');
    expect(param).toMatchObject({ in: 'query', required: true });
    expect(requestInputSchema(op).properties?.limit).toMatchObject({ type: 'integer' });
    expect(operation('org.current').parameters?.find((p) => p.name === 'input')).toBeUndefined();
  });

  it('describes outputs in the result envelope, with dates as date-time strings', () => {
    const op = operation('apiKey.create');
    const schema = (op.responses['200'] as { content: Record<string, { schema: Schema }> }).content[
      'application/json'
    ]!.schema;
    const output = schema.properties!.result!.properties!.data!.properties!.json!;
    expect(output.required).toEqual(['apiKey', 'secret']);
    expect(output.properties!.apiKey!.properties!.createdAt).toEqual({
      type: 'string',
      format: 'date-time',
    });
  });

  it('states access, tags, security and error responses per operation', () => {
    const create = operation('apiKey.create');
    expect(create.tags).toEqual(['apiKey']);
    expect(create['x-aigrid-access']).toMatchObject({ kind: 'org', scope: null });
    expect(create.security).toEqual([{ session: [] }]);
    const current = operation('org.current');
    expect(current.security).toEqual([{ apiKey: [] }, { session: [] }]);
    expect(current.parameters?.map((p) => p.name)).toContain('x-aigrid-org');
    for (const status of ['400', '401', '403', '404', '409', '412', '429']) {
      expect(create.responses[status], status).toBeDefined();
    }
    expect(doc.components.responses.TOO_MANY_REQUESTS).toHaveProperty('headers.Retry-After');
    expect(doc.tags.map((t) => t.name)).toContain('org');
  });

  it('hoists recursive schemas into components and points at them', () => {
    interface Tree {
      name: string;
      children: Tree[];
    }
    const ZTree: z.ZodType<Tree> = z.lazy(() =>
      z.object({ name: z.string(), children: z.array(ZTree) }),
    );
    const r = router({ tree: publicProcedure.input(ZTree).query(({ input }) => input) });
    const d = generateOpenApiDocument(r, { baseUrl: 'http://x' });
    const text = JSON.stringify(d);
    expect(text).not.toContain('#/$defs/');
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(d.components.schemas[ref], ref).toBeDefined();
  });
});

describe('the documented wire format', () => {
  const anonymous = {
    db: null as never,
    principal: { kind: 'anonymous' },
    authError: null,
    requestedOrgId: null,
    baseUrl: 'http://x',
    limits: { writesPerMinute: 120 },
    now: () => new Date(),
  } satisfies ApiContext;

  const handle = (req: Request) =>
    fetchRequestHandler({
      endpoint: '/api/trpc',
      req,
      router: appRouter,
      createContext: () => anonymous,
    });

  it('answers errors with the TrpcError body and the documented status', async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { limit: 5 } }));
    const res = await handle(new Request(`http://x/api/trpc/apiKey.list?input=${input}`));
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { json: Record<string, unknown> } };
    expect(body.error.json).toMatchObject({
      message: expect.any(String),
      code: expect.any(Number),
      data: { code: 'UNAUTHORIZED', httpStatus: 401, path: 'apiKey.list' },
    });
    const required = (doc.components.schemas.TrpcError as Schema).properties!.error!.properties!
      .json!.required!;
    for (const key of required) expect(body.error.json).toHaveProperty(key);
  });

  it('takes mutations as POST with a {"json": input} body', async () => {
    const res = await handle(
      new Request('http://x/api/trpc/apiKey.revoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ json: { id: 'k1' } }),
      }),
    );
    expect(res.status).toBe(401);
    const get = await handle(new Request('http://x/api/trpc/apiKey.revoke'));
    expect(get.status).toBe(405);
  });
});
