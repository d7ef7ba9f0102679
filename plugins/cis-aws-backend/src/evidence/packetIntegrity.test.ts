import { EvidencePacket } from '@cis-aws/plugin-cis-aws-common';
import { buildEvidencePacket } from './buildEvidencePacket';
import { ACCOUNT, anInput } from './__fixtures__/evidence';
import {
  INTEGRITY_METHOD,
  packetDigest,
  sealPacket,
  signingFromKey,
  verifyPacket,
} from './packetIntegrity';

const KEY = 'an-evidence-signing-key-of-40-characters!';
const HASH = 'c'.repeat(64);

/** A store whose chain holds exactly the links the packet states. */
const store = {
  verifyChain: async () => ({ links: 3, head: { seq: 3, hash: HASH } }),
  findLink: async (_accountId: string, seq: number) =>
    seq === 3
      ? {
          table: 'cis_aws_verdict_changes',
          rowId: 7,
          hash: HASH,
          at: '2026-03-31T00:00:00.000Z',
        }
      : undefined,
};

function sealed(signingKey?: string): EvidencePacket {
  return sealPacket(
    {
      ...buildEvidencePacket(anInput()),
      integrity: {
        method: INTEGRITY_METHOD,
        chain: 'cis-aws-evidence-chain/v1',
        chainHead: {
          seq: 3,
          hash: HASH,
          table: 'cis_aws_verdict_changes',
          at: '2026-03-31T00:00:00.000Z',
        },
        evaluationRecord: { seq: 1, hash: 'd'.repeat(64) },
      },
    },
    signingFromKey(signingKey),
  );
}

describe('packet integrity', () => {
  it('digests the packet without its digest and signature, and signs the digest with the key', async () => {
    const packet = sealed(KEY);
    expect(packet.integrity?.packetDigest).toBe(packetDigest(packet));
    expect(packet.integrity?.signature).toMatchObject({
      algorithm: 'HMAC-SHA256',
      keyId: signingFromKey(KEY)!.keyId,
    });
    expect(JSON.stringify(packet)).not.toContain(KEY);

    const report = await verifyPacket(packet, store, signingFromKey(KEY));
    expect(report.checks.map(c => [c.check, c.status])).toEqual([
      ['packet digest', 'ok'],
      ['signature', 'ok'],
      [`chain of ${ACCOUNT}`, 'ok'],
      ['chain head', 'ok'],
      ['evaluation record', 'unverifiable'],
    ]);
    expect(report.ok).toBe(true);
  });

  it('fails a forged signature, and cannot check one without the key', async () => {
    const packet = sealed(KEY);
    const forged = {
      ...packet,
      integrity: {
        ...packet.integrity!,
        signature: { ...packet.integrity!.signature!, value: '0'.repeat(64) },
      },
    };
    const report = await verifyPacket(forged, store, signingFromKey(KEY));
    expect(report.ok).toBe(false);
    expect(report.checks[1]).toMatchObject({
      check: 'signature',
      status: 'failed',
    });
    const keyless = await verifyPacket(packet, store);
    expect(keyless.checks[1]).toMatchObject({
      check: 'signature',
      status: 'unverifiable',
    });
  });

  it('fails a packet whose stated chain head is not the stored one', async () => {
    const packet = sealed();
    const otherStore = {
      ...store,
      findLink: async () => ({
        table: 't',
        rowId: 1,
        hash: 'e'.repeat(64),
        at: '',
      }),
    };
    const report = await verifyPacket(packet, otherStore);
    expect(report.ok).toBe(false);
    expect(report.checks.find(c => c.check === 'chain head')?.status).toBe(
      'failed',
    );
  });
});
