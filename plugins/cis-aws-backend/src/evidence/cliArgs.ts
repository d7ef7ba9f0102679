import { isAwsAccountId } from '@cis-aws/plugin-cis-aws-common';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * The arguments of `npm run evidence -- --out DIR [--at ISO] [--account ID]… [--config FILE]…`,
 * parsed without touching anything but the file system's "does it exist": a bad argument is a
 * clear message and exit code 2 before any database is opened.
 */

export const EVIDENCE_USAGE = `Usage: npm run evidence -- --out DIR [--at ISO-8601] [--account ID]... [--config FILE]... [--backend-dir DIR]

Writes the CIS AWS 2.4 evidence packet of every account (or of the --account ones) as of --at
(default: now) to DIR/<accountId>/<YYYY-MM-DD>/cis-2.4-evidence.{json,md}, plus DIR/index.md and
DIR/index.json. Reads the plugin's own database as configured in --config (default:
app-config.yaml, and app-config.local.yaml when present), with relative database paths resolved
from --backend-dir (default: packages/backend, as the backend runs there); makes no AWS call.
A bare --at date (2026-03-31) means the end of that UTC day.`;

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
   * `packages/backend` when it exists, else the current directory.
   */
  backendDir: string;
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
    throw new UsageError((error as Error).message);
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
  const accountIds = values.account?.flatMap(value =>
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
  let configPaths: string[];
  if (values.config && values.config.length > 0) {
    configPaths = values.config.map(absolute);
    const missing = configPaths.filter(path => !context.exists(path));
    if (missing.length > 0) {
      throw new UsageError(`--config: no such file: ${missing.join(', ')}`);
    }
  } else {
    const base = absolute('app-config.yaml');
    if (!context.exists(base)) {
      throw new UsageError(
        `No app-config.yaml in ${context.cwd}: run from the repository root or pass --config FILE`,
      );
    }
    const local = absolute('app-config.local.yaml');
    configPaths = context.exists(local) ? [base, local] : [base];
  }
  let backendDir: string;
  if (values['backend-dir']) {
    backendDir = absolute(values['backend-dir']);
    if (!context.exists(backendDir)) {
      throw new UsageError(`--backend-dir: no such directory: ${backendDir}`);
    }
  } else {
    const conventional = absolute('packages/backend');
    backendDir = context.exists(conventional) ? conventional : context.cwd;
  }
  return {
    help: false,
    outDir: absolute(values.out),
    at: parseAt(values.at, context.now),
    ...(accountIds && accountIds.length > 0 ? { accountIds } : {}),
    configPaths,
    backendDir,
  };
}
