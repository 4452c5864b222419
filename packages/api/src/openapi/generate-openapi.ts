// An OpenAPI 3.1 description of the tRPC API exactly as it is called over HTTP: queries are
// `GET /api/trpc/<path>?input=<url-encoded {"json": input}>`, mutations are
// `POST /api/trpc/<path>` with the body `{"json": input}`, and answers are
// `{"result":{"data":{"json": output}}}` (superjson's envelope). Input and output schemas come from
// the procedures' zod schemas, so the document cannot drift from the code.
import { describeAccess } from '../access-table';
import { z } from 'zod';
import type { Access, Meta } from '../trpc';

type JsonSchema = Record<string, unknown>;

export interface OpenApiOptions {
  /** Public URL of the web app, such as `https://grid.example.com`. */
  baseUrl: string;
  /** Where the tRPC handler is mounted; `/api/trpc` by default. */
  endpoint?: string;
  title?: string;
  version?: string;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: JsonSchema[];
  requestBody?: JsonSchema;
  responses: Record<string, JsonSchema>;
  'x-aigrid-access': Access | null;
  'x-trpc-type': 'query' | 'mutation';
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  tags: { name: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, { get?: OpenApiOperation; post?: OpenApiOperation }>;
  components: {
    securitySchemes: Record<string, JsonSchema>;
    schemas: Record<string, JsonSchema>;
    responses: Record<string, JsonSchema>;
  };
}

/** What the generator needs of a procedure; tRPC keeps it in `_def`. */
interface ProcedureDef {
  type: 'query' | 'mutation' | 'subscription';
  inputs: unknown[];
  output?: unknown;
  meta?: Meta;
}

/** Any tRPC router: `router._def.procedures` maps `a.b` paths to procedures. */
export interface RouterLike {
  _def: { procedures: object };
}

const ERRORS = [
  [400, 'BAD_REQUEST', 'The input is not valid; `data.issues` lists what is wrong.'],
  [401, 'UNAUTHORIZED', 'Not signed in, or the API key is not valid, revoked or expired.'],
  [
    403,
    'FORBIDDEN',
    'Signed in, but the role, API key scope or organisation kind does not allow it.',
  ],
  [404, 'NOT_FOUND', 'No such object in the caller’s organisation.'],
  [409, 'CONFLICT', 'It clashes with an existing object (a taken name, for instance).'],
  [
    412,
    'PRECONDITION_FAILED',
    'Not possible in the current state (no organisation yet, for instance).',
  ],
  [429, 'TOO_MANY_REQUESTS', 'Too many changes: retry after the `Retry-After` header’s seconds.'],
  [500, 'INTERNAL_SERVER_ERROR', 'A fault on the server.'],
] as const;

const SUPERJSON_META: JsonSchema = {
  type: 'object',
  description:
    'superjson type annotations (dates, bigints, undefined). Plain JSON clients can leave it out ' +
    'when sending, and read dates as ISO-8601 strings and bigints as decimal strings.',
};

function isZodSchema(v: unknown): v is z.ZodType {
  return !!v && typeof v === 'object' && '_zod' in v;
}

/** `a.b.c` → `a_b_c`, for component names and operation ids. */
function ident(path: string): string {
  return path.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * JSON Schema of one zod schema. `$defs` (recursive or reused schemas) move to
 * `components.schemas` under `prefix`, and their `$ref`s are rewritten to point there.
 */
function jsonSchemaOf(
  schema: unknown,
  io: 'input' | 'output',
  prefix: string,
  components: Record<string, JsonSchema>,
): JsonSchema {
  if (!isZodSchema(schema)) return {};
  const json = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      const type = ctx.zodSchema._zod.def.type;
      // On the wire (superjson's `json` part) dates are ISO strings and bigints decimal strings.
      if (type === 'date') Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time' });
      if (type === 'bigint') {
        Object.assign(ctx.jsonSchema, { type: 'string', format: 'int64', pattern: '^-?\\d+$' });
      }
    },
  }) as JsonSchema;
  delete json.$schema;
  const defs = json.$defs as Record<string, JsonSchema> | undefined;
  delete json.$defs;
  if (!defs) return json;
  const renamed = new Map(
    Object.keys(defs).map((name) => [`#/$defs/${name}`, `${prefix}_${ident(name)}`]),
  );
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    const out: JsonSchema = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] =
        k === '$ref' && typeof v === 'string' && renamed.has(v)
          ? `#/components/schemas/${renamed.get(v)}`
          : rewrite(v);
    }
    return out;
  };
  for (const [name, def] of Object.entries(defs)) {
    components[renamed.get(`#/$defs/${name}`)!] = rewrite(def) as JsonSchema;
  }
  return rewrite(json) as JsonSchema;
}

/** True when the procedure can be called without any input. */
function inputIsOptional(inputs: unknown[]): boolean {
  return inputs.every((schema) => {
    if (!isZodSchema(schema)) return true;
    try {
      return schema.safeParse(undefined).success;
    } catch {
      return false;
    }
  });
}

function accessLine(access: Access | undefined): string {
  const { who, key } = describeAccess(access);
  return `Access: ${who}; API keys: ${key}.`;
}

function securityFor(access: Access | undefined): Record<string, string[]>[] {
  if (!access || access.kind === 'public') return [];
  if (access.kind === 'org' && access.scope) return [{ apiKey: [] }, { session: [] }];
  return [{ session: [] }];
}

const ORG_HEADER: JsonSchema = {
  name: 'x-aigrid-org',
  in: 'header',
  required: false,
  description:
    'Organisation id to work in, among the signed-in user’s own (default: their first). ' +
    'With an API key it may only name the key’s own organisation.',
  schema: { type: 'string' },
};

export function generateOpenApiDocument(router: RouterLike, opts: OpenApiOptions): OpenApiDocument {
  const endpoint = `/${(opts.endpoint ?? '/api/trpc').replace(/^\/+|\/+$/g, '')}`;
  const schemas: Record<string, JsonSchema> = {
    TrpcError: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['json'],
          properties: {
            json: {
              type: 'object',
              required: ['message', 'code', 'data'],
              properties: {
                message: { type: 'string', description: 'What went wrong, for people.' },
                code: { type: 'integer', description: 'JSON-RPC error number, such as -32600.' },
                data: {
                  type: 'object',
                  required: ['code', 'httpStatus'],
                  properties: {
                    code: { type: 'string', enum: ERRORS.map(([, code]) => code) },
                    httpStatus: { type: 'integer' },
                    path: { type: 'string', description: 'The procedure, such as `site.create`.' },
                    issues: {
                      type: 'array',
                      description: 'Invalid input fields (BAD_REQUEST from validation).',
                      items: {
                        type: 'object',
                        required: ['path', 'message'],
                        properties: { path: { type: 'string' }, message: { type: 'string' } },
                      },
                    },
                    retryAfterSeconds: {
                      type: 'integer',
                      description: 'With TOO_MANY_REQUESTS: when to try again.',
                    },
                  },
                },
              },
            },
            meta: SUPERJSON_META,
          },
        },
      },
    },
  };
  const responses: Record<string, JsonSchema> = Object.fromEntries(
    ERRORS.map(([status, code, description]) => [
      code,
      {
        description: `${code}: ${description}`,
        ...(status === 429
          ? {
              headers: {
                'Retry-After': {
                  description: 'Seconds to wait before retrying.',
                  schema: { type: 'integer' },
                },
              },
            }
          : {}),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/TrpcError' } } },
      },
    ]),
  );

  const paths: OpenApiDocument['paths'] = {};
  const tags = new Set<string>();
  const procedures = router._def.procedures as Record<string, { _def: ProcedureDef }>;
  for (const path of Object.keys(procedures).sort()) {
    const def = procedures[path]!._def;
    if (def.type !== 'query' && def.type !== 'mutation') continue;
    const id = ident(path);
    const tag = path.split('.')[0]!;
    tags.add(tag);
    const access = def.meta?.access;

    const inputParts = def.inputs.map((s, i) =>
      jsonSchemaOf(s, 'input', `${id}_input${def.inputs.length > 1 ? i : ''}`, schemas),
    );
    const input: JsonSchema | null =
      inputParts.length === 0
        ? null
        : inputParts.length === 1
          ? inputParts[0]!
          : { allOf: inputParts };
    const optional = inputParts.length === 0 || inputIsOptional(def.inputs);
    const output =
      def.output === undefined ? {} : jsonSchemaOf(def.output, 'output', `${id}_output`, schemas);
    const envelope = (json: JsonSchema): JsonSchema => ({
      type: 'object',
      required: ['json'],
      properties: { json, meta: SUPERJSON_META },
    });

    const call =
      def.type === 'query'
        ? `GET ${endpoint}/${path}${input ? '?input=<URL-encoded JSON {"json": input}>' : ''}`
        : `POST ${endpoint}/${path} with the JSON body {"json": input}`;
    const operation: OpenApiOperation = {
      operationId: id,
      summary: def.meta?.summary ?? `${path} (${def.type})`,
      description: [def.meta?.description, `Call: ${call}.`, accessLine(access)]
        .filter(Boolean)
        .join('\n\n'),
      tags: [tag],
      security: securityFor(access),
      parameters: access?.kind === 'org' ? [ORG_HEADER] : [],
      responses: {
        '200': {
          description: 'The result, in tRPC’s envelope.',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['result'],
                properties: {
                  result: {
                    type: 'object',
                    required: ['data'],
                    properties: { data: envelope(output) },
                  },
                },
              },
            },
          },
        },
        ...Object.fromEntries(
          ERRORS.map(([status, code]) => [
            String(status),
            { $ref: `#/components/responses/${code}` },
          ]),
        ),
      },
      'x-aigrid-access': access ?? null,
      'x-trpc-type': def.type,
    };
    if (def.type === 'query') {
      if (input) {
        operation.parameters!.unshift({
          name: 'input',
          in: 'query',
          required: !optional,
          description: 'The input as URL-encoded JSON: `{"json": <input>}`.',
          content: { 'application/json': { schema: envelope(input) } },
        });
      }
      paths[`${endpoint}/${path}`] = { get: operation };
    } else {
      if (input) {
        operation.requestBody = {
          required: !optional,
          content: { 'application/json': { schema: envelope(input) } },
        };
      }
      paths[`${endpoint}/${path}`] = { post: operation };
    }
    if (!operation.parameters!.length) delete operation.parameters;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: opts.title ?? 'AI Grid API',
      version: opts.version ?? '1',
      description: [
        'The AI Grid control plane: operators publish GPU capacity at points of presence, ' +
          'developers create inference endpoints that the grid places on it.',
        'This is a tRPC API with the superjson transformer. Queries are GET requests with the ' +
          'input as `?input=` URL-encoded JSON `{"json": <input>}`; mutations are POST requests ' +
          'with the body `{"json": <input>}`. Results come as `{"result":{"data":{"json": <output>}}}` ' +
          'and errors as `{"error":{"json":{"message", "code", "data":{"code", "httpStatus"}}}}`.',
        'Authenticate with an API key (`Authorization: Bearer agk_…`) or the web session cookie. ' +
          'Money is in integer micro-units (1 USD = 1000000). Changes are rate-limited per user ' +
          'and per key (429 with `Retry-After`).',
      ].join('\n\n'),
    },
    servers: [{ url: opts.baseUrl.replace(/\/+$/, '') }],
    tags: [...tags].sort().map((name) => ({ name })),
    security: [{ apiKey: [] }, { session: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'agk_…',
          description: 'An API key of one organisation, with scopes (`aigrid keys create`).',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'next-auth.session-token',
          description:
            'The web session cookie (named `__Secure-next-auth.session-token` when served over https).',
        },
      },
      schemas,
      responses,
    },
  };
}
