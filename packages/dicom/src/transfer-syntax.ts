// Transfer syntaxes (PS3.5 §10, PS3.6 Annex A): how the data set is encoded and whether its pixels are native.

export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const EXPLICIT_VR_BIG_ENDIAN = '1.2.840.10008.1.2.2';
export const DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';

export interface TransferSyntaxInfo {
  explicitVr: boolean;
  littleEndian: boolean;
  /** The data set after the File Meta Information is deflate-compressed (no file offsets inside it). */
  deflated: boolean;
  /** Pixel Data is a sequence of (compressed) fragments rather than a plain value. */
  encapsulated: boolean;
}

/** What a transfer syntax UID means for parsing, or null for one we do not know (private or new). */
export function transferSyntaxInfo(uid: string): TransferSyntaxInfo | null {
  const plain = { explicitVr: true, littleEndian: true, deflated: false, encapsulated: false };
  switch (uid) {
    case IMPLICIT_VR_LITTLE_ENDIAN:
      return { ...plain, explicitVr: false };
    case EXPLICIT_VR_LITTLE_ENDIAN:
      return plain;
    case EXPLICIT_VR_BIG_ENDIAN:
      return { ...plain, littleEndian: false };
    case DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN:
      return { ...plain, deflated: true };
  }
  // JPEG family (.4.x), RLE (.5), MPEG/HEVC (.4.100+), JPEG 2000 / HTJ2K, JPIP (.4.94/.95: no pixel data),
  // encapsulated uncompressed (.1.98), RFC 2557 (.6.x), SMPTE ST 2110 (.7.x): all explicit VR little endian.
  if (/^1\.2\.840\.10008\.1\.2\.(4\.\d+|5|1\.98|6\.\d+|7\.\d+)$/.test(uid))
    return { ...plain, encapsulated: true };
  return null;
}
