import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readCisAwsOptions } from '../config';
import {
  EvaluationStore,
  EvidenceChainStore,
  ExceptionStore,
} from '../storage/EvaluationStore';
import { accountId, at } from '../storage/__fixtures__/evaluations';
import { DefaultEvidenceService } from './EvidenceService';
import { CALLER, accessTo, accountEntity } from './__testUtils__/fixtures';

// What the packet holds is tested with the store in api/evidenceRoutes.test.ts and evidence/.
describe('DefaultEvidenceService', () => {
  const NOW = new Date(at(60));
  const store = { getAccount: jest.fn() } as unknown as EvaluationStore &
    EvidenceChainStore;
  const service = DefaultEvidenceService.create({
    store,
    exceptions: {} as ExceptionStore,
    access: accessTo([accountEntity(accountId(1))]),
    options: readCisAwsOptions(new ConfigReader({})),
    logger: mockServices.logger.mock(),
    now: () => NOW,
  });

  it('refuses a time in the future with 400 before reading anything', async () => {
    await expect(
      service.producePacket(
        accountId(1),
        { format: 'json', at: new Date(NOW.getTime() + 1) },
        CALLER,
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('in the future'),
    });
    expect(store.getAccount).not.toHaveBeenCalled();
  });

  it('answers an account without a stored result with 404', async () => {
    await expect(
      service.producePacket(accountId(1), { format: 'md' }, CALLER),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('refuses to verify something that is not a packet with 400', async () => {
    await expect(
      service.verify({ packet: { account: { accountId: 'x' } } }, CALLER),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('not an evidence packet'),
    });
  });
});
