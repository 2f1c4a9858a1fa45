/** The facility whose records this source discloses (the gateway's hospital). */
export interface GatewayFacility {
  /** 10-digit 医療機関コード. */
  institutionCode: string;
  oid: string;
  name: string;
}
