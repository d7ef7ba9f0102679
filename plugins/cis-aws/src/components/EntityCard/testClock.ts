/** Freezes only `Date` (not timers, so msw and waitFor work) at the demo fixtures' time. */
export const FIXTURE_NOW = new Date('2026-11-24T08:55:41.000Z');

export function freezeDateAtFixtures() {
  beforeEach(() => {
    jest.useFakeTimers({
      now: FIXTURE_NOW,
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'requestIdleCallback',
        'cancelIdleCallback',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
  });
  afterEach(() => jest.useRealTimers());
}
