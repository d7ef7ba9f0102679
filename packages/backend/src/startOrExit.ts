/**
 * What the demo backend needs of `createBackend()`'s result.
 */
export interface StartableBackend {
  start(): Promise<unknown>;
  stop(): Promise<void>;
}

export interface StartOrExitOptions {
  /** Where the start-up error is written. Default: console.error. */
  error?: (error: unknown) => void;
  /** Ends the process. Default: process.exit. */
  exit?: (code: number) => void;
  /** How long stopping may take before the process exits anyway. Default: 10 s. */
  stopTimeoutMs?: number;
}

/**
 * Starts the backend, or stops the process when a plugin fails to start (e.g. cis-aws refusing a
 * wrong cisAws.* value, naming the key; the AWS Organizations catalog module refusing its
 * config). Backstage's `start()` rejects then, and on its own only an unhandled rejection would
 * be logged, leaving the process half-started: serving the plugins that started and answering
 * 503 for the others. Instead: the error is written, what started is stopped, and the process
 * exits with 1, also when stopping hangs.
 */
export async function startOrExit(
  backend: StartableBackend,
  options: StartOrExitOptions = {},
): Promise<void> {
  const {
    error: writeError = console.error,
    exit = (code: number) => process.exit(code),
    stopTimeoutMs = 10_000,
  } = options;
  try {
    await backend.start();
  } catch (error) {
    writeError(error);
    const timer = setTimeout(() => exit(1), stopTimeoutMs);
    timer.unref?.();
    await backend.stop().catch(() => undefined);
    clearTimeout(timer);
    exit(1);
  }
}
