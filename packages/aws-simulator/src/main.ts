import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startSimulator } from './index';

/**
 * CLI: aws-simulator --world FILE [--port N] [--host H]
 * Port also from AWS_SIMULATOR_PORT (default 4580); host default 127.0.0.1.
 */
function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const prefixed = args.find(a => a.startsWith(`${name}=`));
  return prefixed?.slice(name.length + 1);
}

function fail(message: string): never {
  process.stderr.write(`aws-simulator: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      'usage: aws-simulator --world FILE [--port N] [--host H]\n',
    );
    return;
  }
  const worldFile =
    argValue(args, '--world') ??
    fail('--world FILE is required (e.g. worlds/demo.yaml)');
  const portText =
    argValue(args, '--port') ?? process.env.AWS_SIMULATOR_PORT ?? '4580';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`invalid port "${portText}"`);
  const host = argValue(args, '--host') ?? '127.0.0.1';
  let text: string;
  try {
    text = readFileSync(resolve(worldFile), 'utf8');
  } catch (e) {
    fail(`cannot read world file ${worldFile}: ${(e as Error).message}`);
  }
  let sim;
  try {
    sim = await startSimulator({ world: text, port, host });
  } catch (e) {
    fail(`${worldFile}: ${(e as Error).message}`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`aws-simulator: ${signal}, shutting down\n`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
    setTimeout(() => process.exit(1), 5000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Only now say so: whoever waits for this line may stop us the moment it
  // is written, and a signal before the handlers above would kill the process
  // (an exit by signal, not 0) instead of shutting the server down.
  process.stdout.write(
    `aws-simulator listening on ${
      sim.url
    } (world ${worldFile}: ${sim.world.accountCount()} accounts; admin ${
      sim.url
    }/__admin/world)\n`,
  );
}

main().catch(e => fail((e as Error)?.stack ?? String(e)));
