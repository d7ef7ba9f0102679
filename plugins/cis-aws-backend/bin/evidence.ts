/**
 * `npm run evidence -- --out DIR [--at ISO] [--account ID]… [--config FILE]…`: writes the audit
 * evidence packet of every account from the plugin's own database, in the runbook's layout (by
 * account id and date), with an index. No AWS call, no backend needed: it reads what the backend
 * stored. Exit codes: 0 done, 1 failed (no database, unknown account…), 2 bad arguments.
 */
import {
  LoggerService,
  resolvePackagePath,
  RootLifecycleService,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { ConfigReader } from '@backstage/config';
import { ConfigSources } from '@backstage/config-loader';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import {
  EVIDENCE_USAGE,
  parseEvidenceArgs,
  UsageError,
} from '../src/evidence/cliArgs';
import { PLUGIN_ID, sqliteDatabaseFile } from '../src/evidence/cliDatabase';
import { exportEvidence } from '../src/evidence/exportAll';
import { configuredSecrets } from '../src/evidence/secretGuard';
import { readCisAwsOptions } from '../src/service/options';
import { DatabaseEvaluationStore } from '../src/storage/DatabaseEvaluationStore';

/** Thrown for a condition the operator can fix; printed without a stack. */
class CliError extends Error {
  name = 'CliError';
}

/** Errors whose message says it all (bad config, unknown account). */
const OPERATOR_ERRORS = new Set(['CliError', 'InputError', 'NotFoundError']);

/** Warnings and errors only: the summary line is the output. */
const logger: LoggerService = {
  error: message => process.stderr.write(`error: ${message}\n`),
  warn: message => process.stderr.write(`warning: ${message}\n`),
  info() {},
  debug() {},
  child() {
    return logger;
  },
};

function operator(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseEvidenceArgs(process.argv.slice(2), {
      cwd: process.cwd(),
      now: new Date(),
      exists: existsSync,
    });
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${EVIDENCE_USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (args.help) {
    process.stdout.write(`${EVIDENCE_USAGE}\n`);
    return 0;
  }

  const source = ConfigSources.default({
    rootDir: process.cwd(),
    argv: args.configPaths.flatMap(path => ['--config', path]),
  });
  const closable = await ConfigSources.toConfig(source);
  const config = new ConfigReader(closable.get());
  closable.close();
  const options = readCisAwsOptions(config);

  const sqliteFile = sqliteDatabaseFile(config, args.backendDir);
  if (sqliteFile === ':memory:') {
    throw new CliError(
      'The configured database is in memory: there is no stored evaluation to export.',
    );
  }
  if (sqliteFile && !existsSync(sqliteFile)) {
    throw new CliError(
      `No cis-aws database at ${sqliteFile}: start the backend once (npm start) so it evaluates the accounts, or pass --config/--backend-dir for another installation.`,
    );
  }

  // Relative database paths in the config are the backend's, resolved from where it runs.
  process.chdir(args.backendDir);
  const shutdownHooks: (() => void | Promise<void>)[] = [];
  const lifecycle: RootLifecycleService = {
    addStartupHook() {},
    addBeforeShutdownHook() {},
    addShutdownHook: hook => {
      shutdownHooks.push(hook);
    },
  };
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
    const { index, indexFiles, redactions } = await exportEvidence({
      store,
      exceptions: store,
      options,
      outDir: args.outDir,
      at: args.at,
      accountIds: args.accountIds,
      producedBy: operator(),
      knownSecrets: configuredSecrets(config),
    });
    const totals = Object.entries(index.totals)
      .filter(([, count]) => count > 0)
      .map(([verdict, count]) => `${count} ${verdict}`)
      .join(', ');
    process.stdout.write(
      `Wrote CIS 2.4 evidence of ${index.accounts.length} account${
        index.accounts.length === 1 ? '' : 's'
      } as of ${index.asOf} to ${args.outDir}${
        totals ? ` (${totals})` : ''
      }; index: ${indexFiles.markdown}${
        redactions > 0 ? `; ${redactions} credential-like strings redacted` : ''
      }\n`,
    );
    return 0;
  } finally {
    // Stops the manager's keepalive timer (and closes non-SQLite pools), then the client.
    for (const hook of shutdownHooks) await hook();
    await knex.destroy();
  }
}

main().then(
  code => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(
      `${OPERATOR_ERRORS.has(error.name) ? '' : `${error.name}: `}${
        error.message
      }\n`,
    );
    process.exitCode = 1;
  },
);
