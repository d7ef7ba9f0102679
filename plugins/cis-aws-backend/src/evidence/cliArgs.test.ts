import { toError } from '@backstage/errors';
import { ConfigReader } from '@backstage/config';
import {
  EVIDENCE_USAGE,
  findRepositoryRoot,
  parseEvidenceArgs,
  UsageError,
} from './cliArgs';
import { sqliteDatabaseFile } from './cliDatabase';

const NOW = new Date('2026-04-02T08:00:00.000Z');
const ROOT = '/repo';

function parse(argv: string[], files: string[] = []) {
  const existing = new Set([
    '/repo/app-config.yaml',
    '/repo/packages/backend',
    ...files,
  ]);
  return parseEvidenceArgs(argv, {
    cwd: ROOT,
    now: NOW,
    exists: path => existing.has(path),
  });
}

function usageError(argv: string[], files?: string[]): string {
  try {
    parse(argv, files);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return toError(error).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseEvidenceArgs', () => {
  it('needs only --out: every account, now, the default config, the backend directory', () => {
    expect(parse(['--out', 'evidence'])).toEqual({
      help: false,
      outDir: '/repo/evidence',
      at: NOW,
      configPaths: ['/repo/app-config.yaml'],
      backendDir: '/repo/packages/backend',
    });
  });

  it('adds app-config.local.yaml when it exists, as the backend does', () => {
    expect(
      parse(['--out', '/tmp/out'], ['/repo/app-config.local.yaml']).configPaths,
    ).toEqual(['/repo/app-config.yaml', '/repo/app-config.local.yaml']);
  });

  it('takes repeated --account and --config, in order', () => {
    const args = parse(
      [
        '--out=out',
        '--account',
        '111111111111',
        '--account=222222222222,333333333333',
        '--config',
        'app-config.yaml',
        '--config',
        '/etc/backstage/prod.yaml',
      ],
      ['/etc/backstage/prod.yaml'],
    );
    expect(args.accountIds).toEqual([
      '111111111111',
      '222222222222',
      '333333333333',
    ]);
    expect(args.configPaths).toEqual([
      '/repo/app-config.yaml',
      '/etc/backstage/prod.yaml',
    ]);
  });

  it('reads --at as a date-time, or a bare date as the end of that UTC day', () => {
    expect(
      parse(['--out', 'o', '--at', '2026-03-31T10:00:00+02:00']).at,
    ).toEqual(new Date('2026-03-31T08:00:00.000Z'));
    expect(parse(['--out', 'o', '--at', '2026-03-31']).at).toEqual(
      new Date('2026-03-31T23:59:59.999Z'),
    );
    // today, whose end is still ahead: now
    expect(parse(['--out', 'o', '--at', '2026-04-02']).at).toEqual(NOW);
  });

  it('takes --backend-dir for where relative database paths resolve', () => {
    expect(
      parse(['--out', 'o', '--backend-dir', '/srv/backend'], ['/srv/backend'])
        .backendDir,
    ).toBe('/srv/backend');
    expect(
      parseEvidenceArgs(['--out', 'o'], {
        cwd: '/elsewhere',
        now: NOW,
        exists: path => path === '/elsewhere/app-config.yaml',
      }).backendDir,
    ).toBe('/elsewhere');
  });

  it('answers --help without needing anything else', () => {
    expect(parse(['--help']).help).toBe(true);
    expect(parse(['-h']).help).toBe(true);
  });

  it.each([
    [[], '--out DIR is required'],
    [['--out'], "Option '--out <value>' argument missing"],
    [['--out', 'o', '--bogus'], "Unknown option '--bogus'"],
    [['--out', 'o', 'extra'], "Unexpected argument 'extra'"],
    [
      ['--out', 'o', '--account', '12345'],
      '--account 12345: an AWS account id is 12 digits',
    ],
    [
      ['--out', 'o', '--at', 'yesterday'],
      '--at yesterday is not an ISO 8601 date',
    ],
    [['--out', 'o', '--at', '2026-03-31T10:00:00'], 'is not an ISO 8601 date'],
    [['--out', 'o', '--at', '2026-05-01'], '--at 2026-05-01 is in the future'],
    [
      ['--out', 'o', '--config', 'missing.yaml'],
      '--config: no such file: /repo/missing.yaml',
    ],
    [
      ['--out', 'o', '--backend-dir', '/nope'],
      '--backend-dir: no such directory: /nope',
    ],
  ])('rejects %j', (argv, message) => {
    expect(usageError(argv)).toContain(message);
  });

  it('says where to run from when there is no app-config.yaml', () => {
    expect(
      (() => {
        try {
          parseEvidenceArgs(['--out', 'o'], {
            cwd: '/tmp',
            now: NOW,
            exists: () => false,
          });
          return '';
        } catch (error) {
          return toError(error).message;
        }
      })(),
    ).toBe(
      'No app-config.yaml in /tmp: run from your Backstage repository (or its backend package) or pass --config FILE',
    );
  });

  describe("from an adopter's Backstage repository", () => {
    const files = new Set([
      '/srv/portal/app-config.yaml',
      '/srv/portal/app-config.local.yaml',
      '/srv/portal/packages/backend',
    ]);
    const inRepo = (cwd: string) =>
      parseEvidenceArgs(['--out', 'evidence'], {
        cwd,
        now: NOW,
        exists: path => files.has(path),
        isWorkspaceRoot: dir => dir === '/srv/portal',
      });

    it("at the root: the root's config, the database paths of packages/backend", () => {
      expect(inRepo('/srv/portal')).toMatchObject({
        outDir: '/srv/portal/evidence',
        configPaths: [
          '/srv/portal/app-config.yaml',
          '/srv/portal/app-config.local.yaml',
        ],
        backendDir: '/srv/portal/packages/backend',
      });
    });

    it("in the backend's folder: the root's config as the backend reads it, the database paths of that folder", () => {
      expect(inRepo('/srv/portal/packages/backend')).toMatchObject({
        outDir: '/srv/portal/packages/backend/evidence',
        configPaths: [
          '/srv/portal/app-config.yaml',
          '/srv/portal/app-config.local.yaml',
        ],
        backendDir: '/srv/portal/packages/backend',
      });
    });

    it("in a deployed backend without workspaces (a container's /app): everything from there", () => {
      expect(
        parseEvidenceArgs(['--out', '/tmp/e'], {
          cwd: '/app',
          now: NOW,
          exists: path => path === '/app/app-config.yaml',
          isWorkspaceRoot: () => false,
        }),
      ).toMatchObject({
        configPaths: ['/app/app-config.yaml'],
        backendDir: '/app',
      });
    });
  });
});

describe('findRepositoryRoot', () => {
  it('is the nearest directory with workspaces at or above, else the start', () => {
    const roots = new Set(['/a', '/a/b/c']);
    expect(findRepositoryRoot('/a/b/c/d', dir => roots.has(dir))).toBe(
      '/a/b/c',
    );
    expect(findRepositoryRoot('/a/b', dir => roots.has(dir))).toBe('/a');
    expect(findRepositoryRoot('/x/y', dir => roots.has(dir))).toBe('/x/y');
  });
});

describe('EVIDENCE_USAGE', () => {
  it('names the installed command, not a script of this repository', () => {
    expect(EVIDENCE_USAGE).toMatch(/^Usage: cis-aws-evidence --out DIR/);
    expect(EVIDENCE_USAGE).not.toMatch(/npm run|packages\/backend \(/);
  });
});

describe('sqliteDatabaseFile', () => {
  it("finds the plugin's file in the configured directory, relative to the backend", () => {
    const config = new ConfigReader({
      backend: {
        database: {
          client: 'better-sqlite3',
          connection: { directory: '../../.data/sqlite' },
        },
      },
    });
    expect(sqliteDatabaseFile(config, '/repo/packages/backend')).toBe(
      '/repo/.data/sqlite/cis-aws.sqlite',
    );
  });

  it("uses the plugin's own filename when it has one", () => {
    const config = new ConfigReader({
      backend: {
        database: {
          client: 'better-sqlite3',
          connection: { directory: '/data' },
          plugin: { 'cis-aws': { connection: { filename: 'results.db' } } },
        },
      },
    });
    expect(sqliteDatabaseFile(config, '/backend')).toBe('/data/results.db');
  });

  it('says in-memory, or not SQLite at all', () => {
    expect(
      sqliteDatabaseFile(
        new ConfigReader({
          backend: {
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
        }),
        '/backend',
      ),
    ).toBe(':memory:');
    expect(
      sqliteDatabaseFile(
        new ConfigReader({
          backend: {
            database: { client: 'pg', connection: { host: 'db' } },
          },
        }),
        '/backend',
      ),
    ).toBeUndefined();
  });
});
