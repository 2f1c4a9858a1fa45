import { Select } from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../api/client';
import type { FacilityChoice } from '../api/types';
import { useI18n } from '../i18n/index';

/** The facility a user with several memberships acts for, asked when the hub answers `choose-facility`. */
export function useFacilityChoice() {
  const [facilities, setFacilities] = useState<FacilityChoice[] | null>(null);
  const [facilityOid, setFacilityOid] = useState<string | null>(null);
  /** True when `error` is the hub asking for the facility: the list is then offered. */
  const offer = (error: unknown): boolean => {
    if (!(error instanceof ApiError && error.code === 'choose-facility')) return false;
    const list = (error.details as { facilities?: FacilityChoice[] } | undefined)?.facilities ?? [];
    setFacilities(list);
    setFacilityOid(list[0]?.oid ?? null);
    return true;
  };
  return { facilities, facilityOid, setFacilityOid, offer };
}

export function FacilitySelect({ choice }: { choice: ReturnType<typeof useFacilityChoice> }) {
  const { t } = useI18n();
  if (!choice.facilities) return null;
  return (
    <Select
      label={t('login.facility')}
      description={t('login.facilityHint')}
      data={choice.facilities.map((f) => ({ value: f.oid, label: f.name }))}
      value={choice.facilityOid}
      onChange={choice.setFacilityOid}
      allowDeselect={false}
    />
  );
}
