import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CALLER_CREDENTIALS } from './__testUtils__/harness';

/** The CLI (bin/aws-simulator → src/main.ts), run as a real process. */

const PACKAGE_DIR = resolve(__dirname, '..');

function run(
  args: string[],
  env: Record<string, string> = {},
): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['bin/aws-simulator', ...args], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout!.on('data', d => (output += d));
  child.stderr!.on('data', d => (output += d));
  const exited = new Promise<number | null>(r =>
    child.on('exit', (code, signal) => {
      output += `\n[exited: code ${code}, signal ${signal}]\n`;
      r(code);
    }),
  );
  return { child, output: () => output, exited };
}

async function waitFor(
  check: () => RegExpMatchArray | null,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = check();
    if (m) return m;
    if (Date.now() > deadline)
      throw new Error('timed out waiting for the simulator');
    await new Promise(r => setTimeout(r, 50));
  }
}

describe('aws-simulator CLI', () => {
  it('starts on the given port, logs its URL once, serves the SDK and stops cleanly on SIGTERM', async () => {
    const proc = run(['--world', 'worlds/demo.yaml', '--port', '0']);
    try {
      const [, url] = await waitFor(
        () => proc.output().match(/listening on (http:\/\/127\.0\.0\.1:\d+)/),
        30_000,
      );
      const sts = new STSClient({
        endpoint: url,
        region: 'us-east-1',
        credentials: CALLER_CREDENTIALS,
        maxAttempts: 1,
      });
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(
        '402233445566',
      );
      sts.destroy();
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      expect(proc.output().match(/listening on/g)).toHaveLength(1);
    } finally {
      proc.child.kill('SIGKILL');
    }
  }, 60_000);

  it('takes the port from AWS_SIMULATOR_PORT', async () => {
    const proc = run(['--world', 'worlds/demo.yaml'], {
      AWS_SIMULATOR_PORT: '0',
    });
    try {
      await waitFor(
        () => proc.output().match(/listening on http:\/\/127\.0\.0\.1:(\d+)/),
        30_000,
      );
      // At once: the line is written only after the signal handlers are in place.
      proc.child.kill('SIGINT');
      await proc.exited;
      // The whole output on failure says how it ended (a signal, or an error).
      expect(proc.output()).toContain('[exited: code 0, signal null]');
    } finally {
      proc.child.kill('SIGKILL');
    }
  }, 60_000);

  it('exits with status 2 and the path of the bad field for an invalid world file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-simulator-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      "accounts:\n  - id: '111111111111'\n    trails: [{ name: trail-1, homeRegion: moon-1 }]\n",
    );
    const proc = run(['--world', file, '--port', '0']);
    expect(await proc.exited).toBe(2);
    expect(proc.output()).toContain('accounts[0].trails[0].homeRegion');
  }, 60_000);
});
