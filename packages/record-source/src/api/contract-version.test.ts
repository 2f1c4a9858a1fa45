import { CONTRACT_HEADER, CONTRACT_VERSION } from '@hie/contract';
import { afterEach, describe, expect, it } from 'vitest';
import {
  errorCode,
  type GatewayUnderTest,
  gatewayUnderTest,
  NHO_PATIENT,
  useSampleProjection,
} from './test-kit.js';

const rows = useSampleProjection();
const SEARCH = `/fhir/Observation?patient=Patient/${NHO_PATIENT}.ADT-00`;

describe('gateway and the contract version', () => {
  let gw: GatewayUnderTest;
  afterEach(async () => gw?.dispose());

  it('names its contract version on every answer, refusals included', async () => {
    gw = await gatewayUnderTest('sqlite', rows, { disclosure: { categories: ['lab-result'] } });
    for (const url of ['/fhir/metadata', '/health', SEARCH]) {
      const response = await gw.app.inject({ method: 'GET', url });
      expect(response.headers[CONTRACT_HEADER], url).toBe(CONTRACT_VERSION);
    }
  });

  it('refuses a hub of another major version (409 contract-version), and serves the same major', async () => {
    gw = await gatewayUnderTest('sqlite', rows, { disclosure: { categories: ['lab-result'] } });
    const ask = async (version: string) =>
      gw.app.inject({
        method: 'GET',
        url: SEARCH,
        headers: {
          authorization: `Bearer ${await gw.sign({ categories: ['lab-result'] }, { request: SEARCH })}`,
          [CONTRACT_HEADER]: version,
        },
      });
    const older = await ask('1.0');
    expect([older.statusCode, errorCode(older.json())]).toEqual([409, 'contract-version']);
    const newer = await ask('3.0');
    expect([newer.statusCode, errorCode(newer.json())]).toEqual([409, 'contract-version']);
    expect(JSON.stringify(newer.json())).toContain('3.0');
    const same = await ask(`${CONTRACT_VERSION.split('.')[0]}.99`);
    expect(same.statusCode).toBe(200);
  });
});
