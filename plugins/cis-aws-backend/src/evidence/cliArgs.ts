import { toError } from '@backstage/errors';
import { isAwsAccountId } from '@cis-aws/plugin-cis-aws-common';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * The arguments of `cis-aws-evidence --out DIR [--at ISO] [--account ID]… [--config FILE]…`,
 * parsed without touching anything but the file system's "does it exist": a bad argument is a
 * clear message and exit code 2 before any database is opened.
 */

export const EVIDENCE_USAGE = `Usage: cis-aws-evidence --out DIR [--at ISO-8601] [--account ID]... [--config FILE]... [--backend-dir DIR]

Writes the CIS AWS 2.4 evidence packet of every account (or of the --account ones) as of --at
(default: now) to DIR/<accountId>/<YYYY-MM-DD>/cis-2.4-evidence.{json,md}, plus DIR/index.md and
DIR/index.json, from what the cis-aws backend plugin stored in its database. Makes no AWS call
and needs no running backend; never migrates or changes what is stored.

  --out DIR          where to write the packets (created if missing)
  --at ISO-8601      the time the evidence describes; a bare date (2026-03-31) means the end of
                     that UTC day (default: now)
  --account ID       only this 12-digit account id; repeat it or separate ids with commas
                     (default: every account)
  --config FILE      the backend's configuration; repeat it, later files win (default:
                     app-config.yaml, and app-config.local.yaml when present, at the root of the
                     Backstage repository around the current directory, as the backend reads them)
  --backend-dir DIR  where the backend runs: relative SQLite paths of backend.database resolve
                     from it (default: packages/backend when run from the repository root and it
                     exists, else the current directory)
  -h, --help         this text

cis-aws-evidence verify --help: re-check packets or the stored evidence chains.

Run it where the backend's configuration works: environment variables it substitutes
(\${POSTGRES_HOST}...) must be set as for the backend.
Exit codes: 0 written, 1 failed (no database, unknown account...), 2 bad arguments.`;

/** A bad command line: print the message and the usage, exit with code 2. */
export class UsageError extends Error {
  name = 'UsageError';
}

export interface EvidenceCliArgs {
  help: boolean;
  /** Absolute. */
  outDir: string;
  at: Date;
  /** Undefined: every account. */
  accountIds?: string[];
  /** Absolute paths, in order (later ones override earlier ones). */
  configPaths: string[];
  /**
   * The backend's working directory, where relative paths of `backend.database` (the demo's
   * SQLite directory) are resolved, as the backend resolves them: `--backend-dir`, else
   * `packages/backend` when run from the repository root and it exists, else the current
   * directory (e.g. the backend package itself).
   */
  backendDir: string;
}

/**
 * The Backstage repository's root as the backend finds it (@backstage/cli-common): the nearest
 * directory at or above `cwd` whose package.json declares workspaces; `cwd` when there is none
 * (a backend installed on its own, a container's /app).
 */
export function findRepositoryRoot(
  cwd: string,
  isWorkspaceRoot: (dir: string) => boolean,
): string {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (isWorkspaceRoot(dir)) return dir;
    if (dirname(dir) === dir) return cwd;
  }
}

const ISO_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

function parseAt(value: string | undefined, now: Date): Date {
  if (value === undefined) return now;
  if (!ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw new UsageError(
      `--at ${value} is not an ISO 8601 date or date-time with a time zone (e.g. 2026-03-31 or 2026-03-31T23:59:59Z)`,
    );
  }
  // A bare date means the end of that UTC day: the packet filed under it shows that day.
  const at = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? new Date(Date.parse(`${value}T23:59:59.999Z`))
    : new Date(value);
  if (at.getTime() > now.getTime()) {
    if (
      /^\d{4}-\d{2}-\d{2}$/.test(value) &&
      value === now.toISOString().slice(0, 10)
    ) {
      return now;
    }
    throw new UsageError(
      `--at ${value} is in the future; evidence can only describe the past`,
    );
  }
  return at;
}

export function parseEvidenceArgs(
  argv: string[],
  context: {
    cwd: string;
    now: Date;
    exists: (path: string) => boolean;
    /** Whether a directory's package.json declares workspaces; default: none does. */
    isWorkspaceRoot?: (dir: string) => boolean;
  },
): EvidenceCliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: 'string' },
        at: { type: 'string' },
        account: { type: 'string', multiple: true },
        config: { type: 'string', multiple: true },
        'backend-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(toError(error).message);
  }
  const { values } = parsed;
  const absolute = (path: string) =>
    isAbsolute(path) ? path : resolve(context.cwd, path);
  if (values.help) {
    return {
      help: true,
      outDir: '',
      at: context.now,
      configPaths: [],
      backendDir: context.cwd,
    };
  }
  if (!values.out) {
    throw new UsageError('--out DIR is required');
  }
  const accountIds = parseAccountIds(values.account);
  const { configPaths, backendDir } = resolveInstallation(values, context);
  return {
    help: false,
    outDir: absolute(values.out),
    at: parseAt(values.at, context.now),
    ...(accountIds && accountIds.length > 0 ? { accountIds } : {}),
    configPaths,
    backendDir,
  };
}

/** The configuration files and backend directory of `--config` and `--backend-dir`. */
function resolveInstallation(
  values: { config?: string[]; 'backend-dir'?: string },
  context: {
    cwd: string;
    exists: (path: string) => boolean;
    isWorkspaceRoot?: (dir: string) => boolean;
  },
): { configPaths: string[]; backendDir: string } {
  const absolute = (path: string) =>
    isAbsolute(path) ? path : resolve(context.cwd, path);
  let rootDir: string | undefined;
  const root = () =>
    (rootDir ??= findRepositoryRoot(
      context.cwd,
      context.isWorkspaceRoot ?? (() => false),
    ));
  let configPaths: string[];
  if (values.config && values.config.length > 0) {
    configPaths = values.config.map(absolute);
    const missing = configPaths.filter(path => !context.exists(path));
    if (missing.length > 0) {
      throw new UsageError(`--config: no such file: ${missing.join(', ')}`);
    }
  } else {
    const base = join(root(), 'app-config.yaml');
    if (!context.exists(base)) {
      throw new UsageError(
        `No app-config.yaml in ${root()}: run from your Backstage repository (or its backend package) or pass --config FILE`,
      );
    }
    const local = join(root(), 'app-config.local.yaml');
    configPaths = context.exists(local) ? [base, local] : [base];
  }
  let backendDir: string;
  if (values['backend-dir']) {
    backendDir = absolute(values['backend-dir']);
    if (!context.exists(backendDir)) {
      throw new UsageError(`--backend-dir: no such directory: ${backendDir}`);
    }
  } else {
    const conventional = join(root(), 'packages/backend');
    backendDir =
      root() === context.cwd && context.exists(conventional)
        ? conventional
        : context.cwd;
  }
  return { configPaths, backendDir };
}

export const VERIFY_USAGE = `Usage: cis-aws-evidence verify [--packet FILE]... [--account ID]... [--config FILE]... [--backend-dir DIR]

Re-checks evidence against the cis-aws backend plugin's database, reading only. Every stored
evaluation record and verdict change carries the SHA-256 of its RFC 8785 canonical JSON, chained
to the previous row of its account.

  --packet FILE      a JSON packet (cis-2.4-evidence.json): re-computes its digest, checks its
                     signature (when cisAws.evidence.signingKey is configured), the chains of its
                     account and of the organization trail owners it embeds, and that the chain
                     links it states are the stored ones; repeat it for several packets
  --account ID       without --packet: only the chains of these accounts (default: every chain)
  --config FILE      as for the export (default: app-config.yaml [+ app-config.local.yaml])
  --backend-dir DIR  as for the export
  -h, --help         this text

Prints the first broken link of each chain (account, table, row id, link, time).
Exit codes: 0 everything holds, 1 something does not hold or the check failed, 2 bad arguments.`;

export interface VerifyCliArgs {
  help: boolean;
  /** Absolute paths of JSON packets; empty: verify the chains in the store. */
  packetPaths: string[];
  accountIds?: string[];
  configPaths: string[];
  backendDir: string;
}

/** The arguments of `cis-aws-evidence verify …` (without the word `verify`). */
export function parseVerifyArgs(
  argv: string[],
  context: {
    cwd: string;
    exists: (path: string) => boolean;
    isWorkspaceRoot?: (dir: string) => boolean;
  },
): VerifyCliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        packet: { type: 'string', multiple: true },
        account: { type: 'string', multiple: true },
        config: { type: 'string', multiple: true },
        'backend-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(toError(error).message);
  }
  const { values } = parsed;
  if (values.help) {
    return {
      help: true,
      packetPaths: [],
      configPaths: [],
      backendDir: context.cwd,
    };
  }
  const packetPaths = (values.packet ?? []).map(path =>
    isAbsolute(path) ? path : resolve(context.cwd, path),
  );
  const missing = packetPaths.filter(path => !context.exists(path));
  if (missing.length > 0) {
    throw new UsageError(`--packet: no such file: ${missing.join(', ')}`);
  }
  const accountIds = parseAccountIds(values.account);
  if (accountIds && packetPaths.length > 0) {
    throw new UsageError(
      '--account and --packet do not go together: a packet names its account',
    );
  }
  return {
    help: false,
    packetPaths,
    ...(accountIds && accountIds.length > 0 ? { accountIds } : {}),
    ...resolveInstallation(values, context),
  };
}

function parseAccountIds(values: string[] | undefined): string[] | undefined {
  const accountIds = values?.flatMap(value =>
    value
      .split(',')
      .map(id => id.trim())
      .filter(id => id !== ''),
  );
  const invalid = accountIds?.filter(id => !isAwsAccountId(id)) ?? [];
  if (invalid.length > 0) {
    throw new UsageError(
      `--account ${invalid.join(', ')}: an AWS account id is 12 digits`,
    );
  }
  return accountIds;
}
