import { mockServices } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AccountDetectionResult } from '@cis-aws/plugin-cis-aws-common';
import { DETECTION_CONTROL } from '../rules/controls';
import { DatabaseEvaluationStore } from '../storage/DatabaseEvaluationStore';
import {
  aMapping,
  accountId,
  anEvaluation,
  at,
} from '../storage/__fixtures__/evaluations';
import { runEvidenceCli } from './evidence';

jest.setTimeout(60_000);

/**
 * A Backstage repository as `backstage-cli new`/create-app lays it out: the root's package.json
 * declares workspaces, app-config.yaml is at the root, the backend runs in packages/backend and
 * its SQLite directory is relative to that (as in this repository's demo).
 */
let root: string;
const backendDir = () => join(root, 'packages', 'backend');
const databaseFile = () => join(root, '.data', 'sqlite', 'cis-aws.sqlite');

/** Account 2's detection content: no filter detects root use (3.3). */
const detection: AccountDetectionResult = {
  accountId: accountId(2),
  controlId: 'cis-3.x-detection',
  verdict: 'FAIL',
  reason: 'NO_FILTER',
  failingChecks: ['3.3'],
  evaluatedAt: at(90),
  checks: [
    {
      checkId: '3.3',
      verdict: 'FAIL',
      reason: 'NO_FILTER',
      detail: 'No metric filter on the log group detects use of the root user',
      judgements: [],
      warnings: [],
      errors: [],
    },
  ],
  runId: 'run-90',
};

async function run(argv: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runEvidenceCli(argv, {
    cwd,
    now: new Date(at(10 * 24 * 60)),
    stdout: text => out.push(text),
    stderr: text => err.push(text),
    producedBy: 'cli:auditor',
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'cis-aws-cli-'));
  mkdirSync(backendDir(), { recursive: true });
  mkdirSync(join(root, '.data', 'sqlite'), { recursive: true });
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'] }),
  );
  writeFileSync(
    join(root, 'app-config.yaml'),
    [
      'backend:',
      '  database:',
      '    client: better-sqlite3',
      '    connection:',
      "      directory: '../../.data/sqlite'",
      '',
    ].join('\n'),
  );
  // The backend's own store writes the database, migrations and all.
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: databaseFile() },
    useNullAsDefault: true,
  });
  try {
    const store = await DatabaseEvaluationStore.create({
      database: mockServices.database({ knex }),
    });
    await store.saveResult({
      mapping: aMapping(accountId(1), { title: 'Payments prod' }),
      evaluation: anEvaluation(accountId(1), 'PASS', { minute: 60 }),
    });
    await store.saveResult({
      mapping: aMapping(accountId(2), { title: 'Sandbox' }),
      evaluation: anEvaluation(accountId(2), 'FAIL', { minute: 90 }),
    });
    await store.controls().saveControlResult(DETECTION_CONTROL, {
      accountId: detection.accountId,
      controlId: detection.controlId,
      verdict: detection.verdict,
      reason: detection.reason,
      summary: { failingChecks: detection.failingChecks },
      result: detection,
      evaluatedAt: detection.evaluatedAt,
      runId: detection.runId,
    });
  } finally {
    await knex.destroy();
  }
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('runEvidenceCli', () => {
  it('prints its usage, naming the command, for --help', async () => {
    const { code, stdout } = await run(['--help'], root);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: cis-aws-evidence --out DIR/);
    expect(stdout).not.toContain('npm run');
  });

  it('says what is wrong with the arguments, exit code 2', async () => {
    const { code, stderr } = await run(['--out', 'o', '--at', 'soon'], root);
    expect(code).toBe(2);
    expect(stderr).toContain('--at soon is not an ISO 8601 date');
    expect(stderr).toContain('Usage: cis-aws-evidence');
  });

  it("exports from the repository root: the root's config, relative paths from packages/backend", async () => {
    const cwd = process.cwd();
    const { code, stdout, stderr } = await run(['--out', 'evidence'], root);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(
      `Wrote CIS 2.4 evidence of 2 accounts as of ${at(10 * 24 * 60)} to ${join(
        root,
        'evidence',
      )} (1 PASS, 1 FAIL)`,
    );
    const index = JSON.parse(
      readFileSync(join(root, 'evidence', 'index.json'), 'utf8'),
    );
    expect(
      index.accounts.map((a: { accountId: string }) => a.accountId),
    ).toEqual([accountId(1), accountId(2)]);
    expect(process.cwd()).toBe(cwd);
  });

  it("exports from the backend's folder too, one account at a date", async () => {
    const { code, stdout, stderr } = await run(
      ['--out', 'out', '--account', accountId(2), '--at', '2026-01-01'],
      backendDir(),
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('of 1 account as of');
    expect(
      existsSync(
        join(
          backendDir(),
          'out',
          accountId(2),
          '2026-01-01',
          'cis-2.4-evidence.json',
        ),
      ),
    ).toBe(true);
  });

  it("writes the detection section as the API's packet has it, sealed with the rest; none when detection is off", async () => {
    const { code, stderr } = await run(['--out', 'with-detection'], root);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const dir = (account: string) =>
      join(root, 'with-detection', account, '2026-01-11');
    const packet = JSON.parse(
      readFileSync(join(dir(accountId(2)), 'cis-2.4-evidence.json'), 'utf8'),
    );
    expect(packet.detection).toEqual({
      result: detection,
      changes: [
        { to: 'FAIL', reason: 'NO_FILTER', changedAt: at(90), runId: 'run-90' },
      ],
      episodes: [{ startedAt: at(90), reason: 'NO_FILTER' }],
    });
    expect(
      readFileSync(join(dir(accountId(2)), 'cis-2.4-evidence.md'), 'utf8'),
    ).toContain('## Detection content (CIS 3.x, beside 2.4)');
    // An account whose detection was never evaluated has no section.
    expect(
      JSON.parse(
        readFileSync(join(dir(accountId(1)), 'cis-2.4-evidence.json'), 'utf8'),
      ).detection,
    ).toBeUndefined();

    // The digest covers the section: the packet verifies, and an edit of it is caught.
    const packetFile = join(dir(accountId(2)), 'cis-2.4-evidence.json');
    const intact = await run(['verify', '--packet', packetFile], root);
    expect(intact.stdout).toContain(`Intact: ${packetFile}`);
    expect(intact.code).toBe(0);
    const edited = structuredClone(packet);
    edited.detection.result.verdict = 'PASS';
    const editedFile = join(root, 'detection-edited.json');
    writeFileSync(editedFile, JSON.stringify(edited));
    const caught = await run(['verify', '--packet', editedFile], root);
    expect(caught.code).toBe(1);
    expect(caught.stdout).toMatch(
      /failed\s+packet digest: the packet was changed/,
    );

    // With `cisAws.detection.enabled: false`, as the API does, no section.
    writeFileSync(
      join(root, 'detection-off.yaml'),
      'cisAws:\n  detection:\n    enabled: false\n',
    );
    const off = await run(
      [
        '--out',
        'without-detection',
        '--account',
        accountId(2),
        '--config',
        join(root, 'app-config.yaml'),
        '--config',
        join(root, 'detection-off.yaml'),
      ],
      root,
    );
    expect(off.stderr).toBe('');
    expect(off.code).toBe(0);
    expect(
      JSON.parse(
        readFileSync(
          join(
            root,
            'without-detection',
            accountId(2),
            '2026-01-11',
            'cis-2.4-evidence.json',
          ),
          'utf8',
        ),
      ).detection,
    ).toBeUndefined();
  });

  it('fails with a plain message when the configured database does not exist', async () => {
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    const { code, stderr } = await run(
      ['--out', 'o', '--backend-dir', elsewhere],
      root,
    );
    expect(code).toBe(1);
    expect(stderr).toBe(
      `No cis-aws database at ${join(
        dirname(root),
        '.data',
        'sqlite',
        'cis-aws.sqlite',
      )}: start the backend once so it evaluates the accounts, or pass --config/--backend-dir for another installation.\n`,
    );
  });
});

describe('runEvidenceCli verify', () => {
  /** Opens the test database directly, as someone editing it by hand would. */
  async function editByHand(
    edit: (knex: ReturnType<typeof knexFactory>) => Promise<unknown>,
  ) {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: databaseFile() },
      useNullAsDefault: true,
    });
    try {
      await edit(knex);
    } finally {
      await knex.destroy();
    }
  }

  it('prints its own usage, and refuses --account with --packet (exit code 2)', async () => {
    const help = await run(['verify', '--help'], root);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: cis-aws-evidence verify/);
    const bad = await run(
      ['verify', '--packet', 'package.json', '--account', accountId(1)],
      root,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('do not go together');
  });

  it('re-checks an exported packet and every chain; an edited row makes both fail and is named', async () => {
    const exported = await run(['--out', 'verify-out'], root);
    expect(exported.code).toBe(0);
    const packetFile = join(
      root,
      'verify-out',
      accountId(2),
      '2026-01-11',
      'cis-2.4-evidence.json',
    );

    const intact = await run(['verify'], root);
    expect(intact.stderr).toBe('');
    expect(intact.stdout).toMatch(
      /^Intact: the evidence chains of 2 accounts \(\d+ links\)\n$/,
    );
    expect(intact.code).toBe(0);
    const packetOk = await run(['verify', '--packet', packetFile], root);
    expect(packetOk.stdout).toContain(`Intact: ${packetFile}`);
    expect(packetOk.stdout).toMatch(/ok\s+packet digest/);
    expect(packetOk.code).toBe(0);

    // An edited packet no longer matches its digest.
    const edited = JSON.parse(readFileSync(packetFile, 'utf8'));
    edited.result.verdict = 'PASS';
    const editedFile = join(root, 'edited.json');
    writeFileSync(editedFile, JSON.stringify(edited));
    const packetEdited = await run(['verify', '--packet', editedFile], root);
    expect(packetEdited.code).toBe(1);
    expect(packetEdited.stdout).toMatch(
      /failed\s+packet digest: the packet was changed/,
    );

    // Someone turns the stored FAIL into a PASS by hand.
    let rowId = 0;
    await editByHand(async knex => {
      const row = await knex('cis_aws_evaluation_history')
        .where({ account_id: accountId(2) })
        .first();
      rowId = row.id;
      await knex('cis_aws_evaluation_history')
        .where({ id: row.id })
        .update({ verdict: 'PASS', reason: null });
    });
    const broken = await run(['verify'], root);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(
      `BROKEN account ${accountId(
        2,
      )}: cis_aws_evaluation_history row ${rowId} (link 1) at ${at(
        90,
      )}: the row's content does not match its hash`,
    );
    expect(broken.stdout).toContain(
      'NOT intact: the evidence chains of 2 accounts',
    );
    const onlyIntact = await run(['verify', '--account', accountId(1)], root);
    expect(onlyIntact.code).toBe(0);
    const packetBroken = await run(['verify', '--packet', packetFile], root);
    expect(packetBroken.code).toBe(1);
    expect(packetBroken.stdout).toContain(
      `cis_aws_evaluation_history row ${rowId}`,
    );
  });
});
