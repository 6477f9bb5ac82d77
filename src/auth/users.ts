/**
 * The users file: JSON, versioned, written atomically with mode 0600. Passwords only as scrypt hashes,
 * tokens only as SHA-256 hashes; per-user publish/subscribe patterns; a `guest` entry for anonymous users.
 */
import { chmod, readFile, rename, writeFile } from "node:fs/promises";
import { EnchufeError } from "../errors.js";
import { isValidPattern } from "../protocol/topics.js";
import type { PasswordHash } from "./passwords.js";
import { ALLOW_ALL, type Permissions } from "./permissions.js";

export interface StoredToken {
  readonly id: string;
  /** SHA-256 hex of the token. */
  readonly hash: string;
  readonly created: string;
}

export interface UserEntry {
  readonly password?: PasswordHash | undefined;
  readonly tokens: readonly StoredToken[];
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
}

export interface UsersFile {
  readonly version: 1;
  readonly users: Readonly<Record<string, UserEntry>>;
  readonly guest: Permissions;
}

export const USER_NAME = /^[A-Za-z0-9_.-]{1,32}$/;

export function emptyUsersFile(): UsersFile {
  return {
    version: 1,
    users: {},
    guest: { publish: [...ALLOW_ALL.publish], subscribe: [...ALLOW_ALL.subscribe] },
  };
}

function usersError(path: string, message: string, cause?: unknown): EnchufeError {
  return new EnchufeError("EUSERS", `${path}: ${message}`, { details: { path, message }, cause });
}

function patterns(value: unknown, path: string, where: string): string[] {
  if (!Array.isArray(value) || !value.every((p) => typeof p === "string" && isValidPattern(p))) {
    throw usersError(path, `${where} must be a list of topic patterns`);
  }
  return value as string[];
}

/** Checks the shape of a parsed users file. */
export function validateUsersFile(data: unknown, path: string): UsersFile {
  const file = data as Partial<UsersFile> | null;
  if (
    file === null ||
    typeof file !== "object" ||
    file.version !== 1 ||
    typeof file.users !== "object" ||
    file.users === null
  ) {
    throw usersError(path, "not an enchufe users file (expected version 1 with a 'users' object)");
  }
  const users: Record<string, UserEntry> = {};
  for (const [name, entry] of Object.entries(file.users)) {
    if (!USER_NAME.test(name)) throw usersError(path, `invalid user name '${name}'`);
    const password = entry.password;
    if (
      password !== undefined &&
      (password.algo !== "scrypt" || typeof password.hash !== "string" || typeof password.salt !== "string")
    ) {
      throw usersError(path, `user '${name}' has an invalid password entry`);
    }
    if (!Array.isArray(entry.tokens) || !entry.tokens.every((token) => typeof token?.hash === "string")) {
      throw usersError(path, `user '${name}' has an invalid tokens list`);
    }
    users[name] = {
      password,
      tokens: entry.tokens,
      publish: patterns(entry.publish, path, `users.${name}.publish`),
      subscribe: patterns(entry.subscribe, path, `users.${name}.subscribe`),
    };
  }
  const guest = file.guest ?? ALLOW_ALL;
  return {
    version: 1,
    users,
    guest: {
      publish: patterns(guest.publish, path, "guest.publish"),
      subscribe: patterns(guest.subscribe, path, "guest.subscribe"),
    },
  };
}

/** Reads and validates a users file; a missing file is `undefined` when `missingOk`. */
export async function loadUsersFile(path: string, missingOk = false): Promise<UsersFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (missingOk && (error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw usersError(
      path,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      error,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw usersError(path, "is not valid JSON", error);
  }
  return validateUsersFile(data, path);
}

/** Writes the file atomically (temporary file + rename) with mode 0600. */
export async function saveUsersFile(path: string, file: UsersFile): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    throw usersError(
      path,
      `cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      error,
    );
  }
}
