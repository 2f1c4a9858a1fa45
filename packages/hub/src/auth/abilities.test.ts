import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../testing/store.js';
import { type HubUnderTest, hubUnderTest, seedFacility, seedPerson, seedUser } from '../testing.js';
import { sessionAbilities } from './abilities.js';

const HOSPITAL = '1.2.392.200284.33.0110000001';
const CLINIC = '1.2.392.200284.33.1311111111';
const OFFICE = '1.2.392.200284.33.0';
const SMALL = '1.2.392.200284.33.1322222222';
const REPOSITORY = 'https://repository.example.jp';

describe.each(TEST_ENGINES)('what the screens offer a user, on %s', (engine) => {
  let hub: HubUnderTest;
  beforeAll(async () => {
    hub = await hubUnderTest(engine, [], {
      settings: { repository: { url: REPOSITORY, adminToken: 'x'.repeat(16) } },
    });
    await seedFacility(hub.store, { oid: SMALL, type: 'clinic', gatewayUrl: `${REPOSITORY}/t/${SMALL}` });
    await seedFacility(hub.store, { oid: HOSPITAL });
    await seedFacility(hub.store, { oid: CLINIC, type: 'clinic', discloses: false });
    await seedFacility(hub.store, { oid: OFFICE, type: 'office', discloses: false, views: false });
    await seedPerson(hub.store, [{ facilityOid: HOSPITAL, localId: 'H-1', nameKana: 'ヤマダ タロウ' }]);
  });
  afterAll(() => hub.dispose());

  const abilities = async (facilityOid: string, profession: Parameters<typeof seedUser>[1]['profession']) => {
    const user = await seedUser(hub.store, { facilityOid, profession });
    return sessionAbilities(hub.deps, user);
  };

  it('a consent desk only where the facility has patients; records only where the policy shows some', async () => {
    // The hospital's clerk registers consents and sees no record (the default matrix gives clerks nothing).
    expect(await abilities(HOSPITAL, 'clerk')).toEqual({
      viewRecords: false,
      registerConsents: true,
      enterRecords: false,
    });
    expect(await abilities(HOSPITAL, 'doctor')).toEqual({
      viewRecords: true,
      registerConsents: true,
      enterRecords: false,
    });
    // The clinic has no patient in the index: nobody there can register a consent.
    expect(await abilities(CLINIC, 'doctor')).toEqual({
      viewRecords: true,
      registerConsents: false,
      enterRecords: false,
    });
    expect(await abilities(CLINIC, 'clerk')).toEqual({
      viewRecords: false,
      registerConsents: false,
      enterRecords: false,
    });
    expect(await abilities(OFFICE, 'office')).toEqual({
      viewRecords: false,
      registerConsents: false,
      enterRecords: false,
    });
  });

  it('entries by hand only where the facility is a tenant of the network’s repository', async () => {
    expect((await abilities(SMALL, 'clerk')).enterRecords).toBe(true);
    expect((await abilities(HOSPITAL, 'doctor')).enterRecords).toBe(false);
    expect((await abilities(CLINIC, 'doctor')).enterRecords).toBe(false);
  });
});
