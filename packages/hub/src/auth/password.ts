import { hash, verify } from '@node-rs/argon2';

/** `Algorithm.Argon2id`: the package declares a const enum, which isolated modules cannot inline. */
const ARGON2ID = 2;

/**
 * argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane). The PHC string carries its
 * parameters, so they can be raised later without invalidating stored hashes.
 */
const PARAMS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (plain: string): Promise<string> => hash(plain, PARAMS);

export async function verifyPassword(phc: string, plain: string): Promise<boolean> {
  try {
    return await verify(phc, plain);
  } catch {
    return false;
  }
}
