import { StartableBackend, startOrExit } from './startOrExit';

/** A backend whose start and stop do what the test says, and that records the calls. */
function fakeBackend(behaviour: {
  start: () => Promise<void>;
  stop?: () => Promise<void>;
}) {
  const calls: string[] = [];
  const backend: StartableBackend = {
    start: async () => {
      calls.push('start');
      await behaviour.start();
    },
    stop: async () => {
      calls.push('stop');
      await (behaviour.stop ?? (async () => {}))();
    },
  };
  return { backend, calls };
}

describe('startOrExit', () => {
  it('leaves a backend that started running', async () => {
    const { backend, calls } = fakeBackend({ start: async () => {} });
    const exit = jest.fn();
    await startOrExit(backend, { exit, error: jest.fn() });
    expect(calls).toEqual(['start']);
    expect(exit).not.toHaveBeenCalled();
  });

  it('writes the start-up error, stops what started and exits with 1 instead of half-starting', async () => {
    const failure = new Error(
      'Plugin \'cis-aws\' startup failed; caused by InputError: Invalid cis-aws configuration, the plugin cannot start (1 problem):\n  - cisAws.aws.endpoint: "not a url" is not an http or https URL',
    );
    const { backend, calls } = fakeBackend({
      start: async () => {
        throw failure;
      },
    });
    const exit = jest.fn();
    const error = jest.fn();
    await startOrExit(backend, { exit, error });
    expect(error).toHaveBeenCalledWith(failure);
    expect(calls).toEqual(['start', 'stop']);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('exits with 1 even when stopping hangs', async () => {
    const { backend } = fakeBackend({
      start: async () => {
        throw new Error('startup failed');
      },
      stop: () => new Promise<void>(() => {}),
    });
    const exited = new Promise<number>(resolve => {
      startOrExit(backend, {
        exit: resolve,
        error: () => {},
        stopTimeoutMs: 50,
      });
    });
    await expect(exited).resolves.toBe(1);
  });

  it('exits with 1 when stopping fails too', async () => {
    const { backend } = fakeBackend({
      start: async () => {
        throw new Error('startup failed');
      },
      stop: async () => {
        throw new Error('stop failed');
      },
    });
    const exit = jest.fn();
    await startOrExit(backend, { exit, error: () => {} });
    expect(exit).toHaveBeenCalledWith(1);
  });
});
