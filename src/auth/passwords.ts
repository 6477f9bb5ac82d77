/** Password hashing (scrypt, per-user salt, parameters recorded) and access tokens (stored as SHA-256). */
import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";

export interface PasswordHash {
  readonly algo: "scrypt";
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly keylen: number;
  /** base64 */
  readonly salt: string;
  /** base64 */
  readonly hash: string;
}

export const SCRYPT_PARAMS = Object.freeze({ N: 16384, r: 8, p: 1, keylen: 32 });

function derive(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number; keylen: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password,
      salt,
      params.keylen,
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r },
      (error, key) => (error === null ? resolve(key) : reject(error)),
    );
  });
}

/** Hashes a password with a fresh 16-byte salt. */
export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT_PARAMS);
  return { algo: "scrypt", ...SCRYPT_PARAMS, salt: salt.toString("base64"), hash: key.toString("base64") };
}

/** Checks a password against its hash in constant time. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, "base64");
  const key = await derive(password, Buffer.from(stored.salt, "base64"), {
    ...stored,
    keylen: expected.length,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A new random access token (shown once) and the hash to store. */
export function newToken(): { token: string; hash: string } {
  const token = `enc_${randomBytes(32).toString("base64url")}`;
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
