import { describe, expect, it } from 'vitest';
import { escapeIdPart, ID_PATTERN, keyPrefix, patientResourceId, resourceId } from './ids.js';

const name = {
  patientId: '0001014360',
  careDate: '20210501',
  dataType: 'OMP-01',
  orderNo: '000000002988314',
  timestamp: '20210501040510231',
  department: '01',
  flag: '1' as const,
};

describe('logical ids', () => {
  it('follow <PID>.<care date>.<type>.<order no>.<seq>', () => {
    expect(resourceId(name, 1)).toBe('0001014360.20210501.OMP-01.000000002988314.1');
    expect(patientResourceId('9999013')).toBe('9999013.ADT-00');
    expect(keyPrefix({ ...name, careDate: '-', dataType: 'PPR-01' })).toBe(
      '0001014360.-.PPR-01.000000002988314.',
    );
  });
  it('escape other characters injectively', () => {
    expect(escapeIdPart('A-1')).toBe('A-2D1');
    expect(escapeIdPart('A.1')).toBe('A-2E1');
    expect(escapeIdPart('A_1')).toBe('A-5F1');
    expect(escapeIdPart('患')).toBe('-E6-82-A3');
    expect(escapeIdPart('A-2D1')).not.toBe(escapeIdPart('A-1'));
  });
  it('stay within 64 characters and the FHIR id pattern, deterministically', () => {
    const long = resourceId({ ...name, patientId: '患者患者患者', orderNo: '注文注文注文' }, 123);
    expect(long).toMatch(ID_PATTERN);
    expect(long.length).toBeLessThanOrEqual(64);
    expect(resourceId({ ...name, patientId: '患者患者患者', orderNo: '注文注文注文' }, 123)).toBe(long);
    expect(resourceId({ ...name, patientId: '患者患者患者', orderNo: '注文注文注文' }, 124)).not.toBe(long);
  });
});
