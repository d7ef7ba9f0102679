// Polls a URL until it answers (any HTTP status) or the timeout passes.
export async function waitForHttp(url, { timeoutMs = 120_000, intervalMs = 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      return response.status;
    } catch (error) {
      lastError = error;
      await new Promise(resolve => setTimeout(resolve, intervalMs));
    }
  }
  throw new Error(
    `${url} did not answer within ${timeoutMs / 1000}s: ${lastError?.message ?? 'no response'}`,
  );
}
