/**
 * `cis-aws-evidence --out DIR [--at ISO] [--account ID]… [--config FILE]…`: writes the audit
 * evidence packet of every account from the plugin's own database, in the runbook's layout (by
 * account id and date), with an index. No AWS call, no backend needed: it reads what the backend
 * stored. Exit codes: 0 done, 1 failed (no database, unknown account…), 2 bad arguments.
 *
 * `cis-aws-evidence verify [--packet FILE]… [--account ID]…`: re-checks packets, or the stored
 * evidence chains, naming the first broken link. Exit codes: 0 everything holds, 1 something
 * does not (or the check failed), 2 bad arguments.
 *
 * The package's bin (`bin/cis-aws-evidence`) runs it from dist/ when installed from npm, and from
 * src/ in this repository.
 */
import { toError } from '@backstage/errors';
import {
  LoggerService,
  resolvePackagePath,
  RootLifecycleService,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { ConfigReader } from '@backstage/config';
import { ConfigSources } from '@backstage/config-loader';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import {
  EVIDENCE_USAGE,
  parseEvidenceArgs,
  parseVerifyArgs,
  UsageError,
  VERIFY_USAGE,
} from '../evidence/cliArgs';
import {
  signingFromKey,
  verifyPacket,
  verifyStore,
} from '../evidence/packetIntegrity';
import { ChainBreak } from '../storage/EvaluationStore';
import { PLUGIN_ID, sqliteDatabaseFile } from '../evidence/cliDatabase';
import { exportEvidence } from '../evidence/exportAll';
import { configuredSecrets } from '../evidence/secretGuard';
import { readCisAwsOptions } from '../config';
import { DatabaseEvaluationStore } from '../storage/DatabaseEvaluationStore';

/**
 * Where the command runs and writes; every field defaults to the process's own.
 *
 * @public
 */
export interface EvidenceCliEnvironment {
  cwd?: string;
  now?: Date;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Who the packets say produced them; default `cli:<OS user name>`. */
  producedBy?: string;
}

/** Thrown for a condition the operator can fix; printed without a stack. */
class CliError extends Error {
  name = 'CliError';
}

/** Errors whose message says it all (bad config, unknown account). */
const OPERATOR_ERRORS = new Set(['CliError', 'InputError', 'NotFoundError']);

function operator(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

/** The module knex loads for each `backend.database.client`. */
const DRIVERS: Record<string, string> = {
  'better-sqlite3': 'better-sqlite3',
  sqlite3: 'sqlite3',
  pg: 'pg',
  mysql: 'mysql',
  mysql2: 'mysql2',
};

/**
 * The database driver the configuration needs when knex cannot load it (an adopter's backend
 * has its driver; a bare install of this package has only pg, through backend-defaults).
 */
function missingDriver(config: ConfigReader): string | undefined {
  const client =
    config.getOptionalString(`backend.database.plugin.${PLUGIN_ID}.client`) ??
    config.getOptionalString('backend.database.client');
  const driver = client ? DRIVERS[client] : undefined;
  if (!driver) return undefined;
  try {
    createRequire(require.resolve('knex')).resolve(driver);
    return undefined;
  } catch {
    return driver;
  }
}

/** Whether a directory's package.json declares workspaces: a Backstage repository's root. */
function isWorkspaceRoot(dir: string): boolean {
  try {
    return Boolean(
      JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).workspaces,
    );
  } catch {
    return false;
  }
}

async function exportFromDatabase(
  argv: string[],
  env: Required<EvidenceCliEnvironment>,
): Promise<number> {
  let args;
  try {
    args = parseEvidenceArgs(argv, {
      cwd: env.cwd,
      now: env.now,
      exists: existsSync,
      isWorkspaceRoot,
    });
  } catch (error) {
    if (error instanceof UsageError) {
      env.stderr(`${error.message}\n\n${EVIDENCE_USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (args.help) {
    env.stdout(`${EVIDENCE_USAGE}\n`);
    return 0;
  }

  const logger = cliLogger(env);
  const config = await readConfig(env.cwd, args.configPaths);
  const options = readCisAwsOptions(config);
  return withStore(config, args.backendDir, logger, async store => {
    const { index, indexFiles, redactions } = await exportEvidence({
      store,
      exceptions: store,
      options,
      outDir: args.outDir,
      at: args.at,
      accountIds: args.accountIds,
      producedBy: env.producedBy,
      knownSecrets: configuredSecrets(config),
      // The detection section, as in the API's packet (none when detection is turned off).
      ...(options.detection.enabled ? { controls: store.controls() } : {}),
    });
    const totals = Object.entries(index.totals)
      .filter(([, count]) => count > 0)
      .map(([verdict, count]) => `${count} ${verdict}`)
      .join(', ');
    env.stdout(
      `Wrote CIS 2.4 evidence of ${index.accounts.length} account${
        index.accounts.length === 1 ? '' : 's'
      } as of ${index.asOf} to ${args.outDir}${
        totals ? ` (${totals})` : ''
      }; index: ${indexFiles.markdown}${
        redactions > 0 ? `; ${redactions} credential-like strings redacted` : ''
      }\n`,
    );
    return 0;
  });
}

/** Warnings and errors only: the summary line is the output. */
function cliLogger(env: Required<EvidenceCliEnvironment>): LoggerService {
  const logger: LoggerService = {
    error: message => env.stderr(`error: ${message}\n`),
    warn: message => env.stderr(`warning: ${message}\n`),
    info() {},
    debug() {},
    child() {
      return logger;
    },
  };
  return logger;
}

async function readConfig(
  cwd: string,
  configPaths: string[],
): Promise<ConfigReader> {
  const source = ConfigSources.default({
    rootDir: cwd,
    argv: configPaths.flatMap(path => ['--config', path]),
  });
  const closable = await ConfigSources.toConfig(source);
  const config = new ConfigReader(closable.get());
  closable.close();
  return config;
}

/**
 * Opens the plugin's database as the backend would (relative SQLite paths resolved from the
 * backend's directory), read only: never migrates someone's database.
 */
async function withStore(
  config: ConfigReader,
  backendDir: string,
  logger: LoggerService,
  use: (store: DatabaseEvaluationStore) => Promise<number>,
): Promise<number> {
  const driver = missingDriver(config);
  if (driver) {
    throw new CliError(
      `The configured database client needs ${driver}, which is not installed here: run cis-aws-evidence from the backend's folder, where it is, or install it (npm install ${driver}).`,
    );
  }
  const sqliteFile = sqliteDatabaseFile(config, backendDir);
  if (sqliteFile === ':memory:') {
    throw new CliError(
      'The configured database is in memory: there is no stored evaluation to export.',
    );
  }
  if (sqliteFile && !existsSync(sqliteFile)) {
    throw new CliError(
      `No cis-aws database at ${sqliteFile}: start the backend once so it evaluates the accounts, or pass --config/--backend-dir for another installation.`,
    );
  }

  // Relative database paths in the config are the backend's, resolved from where it runs.
  const previousCwd = process.cwd();
  process.chdir(backendDir);
  const shutdownHooks: (() => void | Promise<void>)[] = [];
  const lifecycle: RootLifecycleService = {
    addStartupHook() {},
    addBeforeShutdownHook() {},
    addShutdownHook: hook => {
      shutdownHooks.push(hook);
    },
  };
  try {
    // Read only: never migrate someone's database from an export.
    const database = DatabaseManager.fromConfig(config, {
      migrations: { skip: true },
      rootLifecycle: lifecycle,
      rootLogger: logger,
    }).forPlugin(PLUGIN_ID, { logger, lifecycle });
    const knex = await database.getClient();
    try {
      if (!(await knex.schema.hasTable('cis_aws_accounts'))) {
        throw new CliError(
          'The cis-aws tables are not in the configured database: has the backend run with this configuration?',
        );
      }
      const [, pending] = (await knex.migrate.list({
        directory: resolvePackagePath(
          '@cis-aws/plugin-cis-aws-backend',
          'migrations',
        ),
      })) as [unknown[], unknown[]];
      if (pending.length > 0) {
        throw new CliError(
          `The cis-aws database is ${pending.length} migration(s) behind this version: start the backend once (it migrates on start), then export again.`,
        );
      }
      const store = await DatabaseEvaluationStore.create({ database });
      return await use(store);
    } finally {
      // Stops the manager's keepalive timer (and closes non-SQLite pools), then the client.
      for (const hook of shutdownHooks) await hook();
      await knex.destroy();
    }
  } finally {
    process.chdir(previousCwd);
  }
}

async function verifyFromDatabase(
  argv: string[],
  env: Required<EvidenceCliEnvironment>,
): Promise<number> {
  let args;
  try {
    args = parseVerifyArgs(argv, {
      cwd: env.cwd,
      exists: existsSync,
      isWorkspaceRoot,
    });
  } catch (error) {
    if (error instanceof UsageError) {
      env.stderr(`${error.message}\n\n${VERIFY_USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (args.help) {
    env.stdout(`${VERIFY_USAGE}\n`);
    return 0;
  }
  const packets = args.packetPaths.map(path => {
    try {
      return { path, packet: JSON.parse(readFileSync(path, 'utf8')) };
    } catch (error) {
      throw new CliError(
        `${path} is not a JSON evidence packet (${
          toError(error).message
        }): verify the .json packet, not the Markdown one`,
      );
    }
  });
  const logger = cliLogger(env);
  const config = await readConfig(env.cwd, args.configPaths);
  const options = readCisAwsOptions(config);
  const signing = signingFromKey(options.evidence.signingKey);
  return withStore(config, args.backendDir, logger, async store => {
    if (packets.length === 0) {
      const report = await verifyStore(store, args.accountIds);
      for (const broken of report.broken) {
        env.stdout(`BROKEN ${brokenLinkText(broken)}\n`);
      }
      env.stdout(
        `${report.ok ? 'Intact' : 'NOT intact'}: the evidence chains of ${
          report.accounts
        } account${report.accounts === 1 ? '' : 's'} (${report.links} links)${
          report.ok
            ? ''
            : `; ${report.broken.length} broken, first broken link of each above`
        }\n`,
      );
      return report.ok ? 0 : 1;
    }
    let ok = true;
    for (const { path, packet } of packets) {
      if (typeof packet?.account?.accountId !== 'string') {
        throw new CliError(`${path} is not an evidence packet`);
      }
      const report = await verifyPacket(packet, store, signing);
      ok &&= report.ok;
      env.stdout(
        `${report.ok ? 'Intact' : 'NOT intact'}: ${path} (account ${
          report.accountId
        })\n`,
      );
      for (const check of report.checks) {
        env.stdout(
          `  ${check.status.padEnd(12)} ${check.check}: ${check.detail}\n`,
        );
      }
    }
    return ok ? 0 : 1;
  });
}

/** `account A: table T row R (link S) at TIME: problem`. */
function brokenLinkText(broken: ChainBreak): string {
  return `account ${broken.accountId}: ${broken.table}${
    broken.rowId !== undefined ? ` row ${broken.rowId}` : ''
  }${broken.seq !== undefined ? ` (link ${broken.seq})` : ''}${
    broken.at ? ` at ${broken.at}` : ''
  }: ${broken.problem}`;
}

/**
 * Runs `cis-aws-evidence` with the given arguments (without the program name) and resolves to
 * its exit code: 0 written, 1 failed (printed on stderr), 2 bad arguments.
 *
 * @public
 */
export async function runEvidenceCli(
  argv: string[],
  environment: EvidenceCliEnvironment = {},
): Promise<number> {
  const env: Required<EvidenceCliEnvironment> = {
    cwd: environment.cwd ?? process.cwd(),
    now: environment.now ?? new Date(),
    stdout: environment.stdout ?? (text => process.stdout.write(text)),
    stderr: environment.stderr ?? (text => process.stderr.write(text)),
    producedBy: environment.producedBy ?? operator(),
  };
  try {
    return argv[0] === 'verify'
      ? await verifyFromDatabase(argv.slice(1), env)
      : await exportFromDatabase(argv, env);
  } catch (error) {
    const { name, message } = toError(error);
    env.stderr(`${OPERATOR_ERRORS.has(name) ? '' : `${name}: `}${message}\n`);
    return 1;
  }
}
