/**
 * A trusted IdP's user linked to a directory user (hub/saml/sp): the IdP's entity id and the subject it
 * asserts; made by an administrator or at a just-in-time first login; revoked rows are kept.
 */
export interface SamlLink {
  id: string;
  idp: string;
  subject: string;
  userId: string;
  origin: 'admin' | 'jit';
  status: 'active' | 'revoked';
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  lastLoginAt: string | null;
}
