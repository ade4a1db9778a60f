import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

// OWASP-recommended argon2id parameters (m=19 MiB, t=2, p=1).
const OPTS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (pw: string) => argon2.hash(pw, OPTS);

export async function verifyPassword(hash: string | null, pw: string): Promise<boolean> {
  if (!hash) {
    await argon2.hash(pw, OPTS); // same cost as a real check: no timing hint that the account is unknown
    return false;
  }
  try {
    return await argon2.verify(hash, pw);
  } catch {
    return false;
  }
}

/** A readable generated password (printed once for the first admin). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}
