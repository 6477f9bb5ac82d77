/**
 * Checks credentials against a users file. Failures are uniform: an unknown user costs the same scrypt
 * work as a wrong password (against a dummy hash) and gets the same answer, so users cannot be enumerated.
 */
import { timingSafeEqual } from "node:crypto";
import { nickKey } from "../protocol/names.js";
import { hashPassword, hashToken, type PasswordHash, verifyPassword } from "./passwords.js";
import type { Permissions } from "./permissions.js";
import type { UsersFile } from "./users.js";

export type AuthResult =
  | { readonly ok: true; readonly user: string; readonly permissions: Permissions }
  | { readonly ok: false };

const FAILED: AuthResult = Object.freeze({ ok: false });

export class Authenticator {
  #users: UsersFile;
  /** The user names, lower-cased: they are reserved as nicknames (compared case-insensitively). */
  #names: ReadonlySet<string>;
  #dummy: Promise<PasswordHash>;

  constructor(users: UsersFile) {
    this.#users = users;
    this.#names = namesOf(users);
    this.#dummy = hashPassword("enchufe dummy password for unknown users");
  }

  /** Replaces the users (SIGHUP or the file changed); sessions already authenticated keep their rights. */
  reload(users: UsersFile): void {
    this.#users = users;
    this.#names = namesOf(users);
  }

  /** True when `name` is a registered user's name (case-insensitive): only that user may use it as a nickname. */
  isUser(name: string): boolean {
    return this.#names.has(nickKey(name));
  }

  get guest(): Permissions {
    return this.#users.guest;
  }

  /** The permissions of a user named by other means (a verified client certificate). */
  permissionsOf(user: string): Permissions {
    const entry = Object.hasOwn(this.#users.users, user) ? this.#users.users[user] : undefined;
    return entry === undefined ? this.#users.guest : { publish: entry.publish, subscribe: entry.subscribe };
  }

  async verifyPassword(user: string, password: string): Promise<AuthResult> {
    const entry = Object.hasOwn(this.#users.users, user) ? this.#users.users[user] : undefined;
    const stored = entry?.password ?? (await this.#dummy);
    const matches = await verifyPassword(password, stored);
    if (!matches || entry?.password === undefined) return FAILED;
    return { ok: true, user, permissions: { publish: entry.publish, subscribe: entry.subscribe } };
  }

  verifyToken(token: string): Promise<AuthResult> {
    const hash = Buffer.from(hashToken(token), "hex");
    let found: AuthResult = FAILED;
    // Compare against every token (no early exit) so timing does not depend on where a match is.
    for (const [user, entry] of Object.entries(this.#users.users)) {
      for (const stored of entry.tokens) {
        const candidate = Buffer.from(stored.hash, "hex");
        if (candidate.length === hash.length && timingSafeEqual(candidate, hash)) {
          found = { ok: true, user, permissions: { publish: entry.publish, subscribe: entry.subscribe } };
        }
      }
    }
    return Promise.resolve(found);
  }
}

function namesOf(users: UsersFile): ReadonlySet<string> {
  return new Set(Object.keys(users.users).map(nickKey));
}
