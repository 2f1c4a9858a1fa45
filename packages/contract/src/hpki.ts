/**
 * An HPKI card bound to a user (hub/auth/hpki): by the exact certificate (issuer + serial) or by the
 * holder (issuer + the subject's serialNumber, kept across renewals); pending until an administrator
 * approves a user's own enrolment; revoked rows are kept.
 */
export interface HpkiBinding {
  id: string;
  userId: string;
  kind: 'certificate' | 'holder';
  issuer: string;
  /** Certificate serial (lower-case hex) for kind certificate; the holder id for kind holder. */
  matchValue: string;
  subject: string | null;
  hcRole: string | null;
  notAfter: string | null;
  status: 'pending' | 'active' | 'revoked';
  requestedAt: string;
  requestedBy: string;
  decidedAt: string | null;
  decidedBy: string | null;
}
