// Integration tests here start backends, databases and the simulator over HTTP. On loaded CI
// machines a few have failed once and never again when rerun, with causes not yet found (see the
// closing notes of stop 10). A failed test is retried once, and its first failure is printed, so
// a flake stays visible in the log without failing the run; a real failure fails twice.
jest.retryTimes(1, { logErrorsBeforeRetry: true });
