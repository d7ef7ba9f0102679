import { expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';

/**
 * The demo signs everyone in as a security-team admin (the guest), so it must
 * not answer beyond this machine: the app, the backend and the simulator
 * listen on loopback only. Read from the kernel's socket tables rather than by
 * connecting to another address of the machine, so nothing leaves loopback.
 */

const DEMO_PORTS = { app: 3000, backend: 7007, simulator: 4580 };
const LISTEN = '0A';

interface Listener {
  address: string;
  port: number;
}

/** "0100007F" (little-endian IPv4) → "127.0.0.1". */
function ipv4(hex: string): string {
  return [6, 4, 2, 0].map(i => parseInt(hex.slice(i, i + 2), 16)).join('.');
}

/** 32 hex digits, four little-endian words → a readable IPv6 address. */
function ipv6(hex: string): string {
  const words = [0, 8, 16, 24].map(i =>
    hex
      .slice(i, i + 8)
      .match(/../g)!
      .reverse()
      .join(''),
  );
  const groups = words.join('').match(/..../g)!;
  if (groups.slice(0, 5).every(g => g === '0000') && groups[5] === 'ffff') {
    return `::ffff:${ipv4(words[3].match(/../g)!.reverse().join(''))}`;
  }
  return groups.map(g => g.replace(/^0+(?=.)/, '')).join(':');
}

function listeners(file: string, decode: (hex: string) => string): Listener[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .map(line => line.trim().split(/\s+/))
    .filter(fields => fields.length > 3 && fields[3] === LISTEN)
    .map(fields => {
      const [address, port] = fields[1].split(':');
      return { address: decode(address), port: parseInt(port, 16) };
    });
}

function isLoopback(address: string): boolean {
  return (
    address.startsWith('127.') ||
    address === '0:0:0:0:0:0:0:1' ||
    address.startsWith('::ffff:127.')
  );
}

test('the demo portal listens on loopback only', () => {
  test.skip(
    !existsSync('/proc/net/tcp'),
    'needs the Linux socket tables (/proc/net/tcp)',
  );
  const all = [
    ...listeners('/proc/net/tcp', ipv4),
    ...listeners('/proc/net/tcp6', ipv6),
  ];
  for (const [what, port] of Object.entries(DEMO_PORTS)) {
    const bound = all.filter(l => l.port === port);
    expect(bound, `${what} (:${port}) is listening`).not.toHaveLength(0);
    for (const listener of bound) {
      expect(
        isLoopback(listener.address),
        `${what} (:${port}) listens on ${listener.address}`,
      ).toBe(true);
    }
  }
});
