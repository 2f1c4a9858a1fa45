import { fileURLToPath } from 'node:url';
import type { GatewayFacility } from '../types.js';

export const SAMPLES = fileURLToPath(new URL('../../../../../fixtures/samples/ssmix2/', import.meta.url));
export const FACILITY: GatewayFacility = {
  institutionCode: '3319800011',
  oid: '1.2.392.200119.6.102.13319800011',
  name: 'テスト病院',
};
