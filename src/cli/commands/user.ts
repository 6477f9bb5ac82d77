/**
 * `enchufe user add|remove|list|passwd|token|perms NAME --file users.json`: manages the users file.
 * Passwords come from --password-file, a hidden terminal prompt, or one line of standard input;
 * only scrypt hashes are stored. `token` prints a new token once and stores only its hash.
 */
import { randomBytes } from "node:crypto";
import { hashPassword, newToken } from "../../auth/passwords.js";
import {
  emptyUsersFile,
  loadUsersFile,
  saveUsersFile,
  USER_NAME,
  type UserEntry,
  type UsersFile,
} from "../../auth/users.js";
import { EnchufeError } from "../../errors.js";
import { type Lang, t } from "../../i18n/index.js";
import { isValidPattern } from "../../protocol/topics.js";
import { missingArgument, usageError } from "../args.js";
import { defineCommand } from "../command.js";
import { type CliContext, EXIT_OK } from "../context.js";
import { readSecret } from "../prompt.js";

const OPTIONS = {
  file: { type: "string", short: "f" },
  "password-file": { type: "string" },
  publish: { type: "string", multiple: true },
  subscribe: { type: "string", multiple: true },
} as const;

const ACTIONS = ["add", "remove", "list", "passwd", "token", "perms"] as const;
type Action = (typeof ACTIONS)[number];

function withUser(file: UsersFile, name: string, entry: UserEntry | undefined): UsersFile {
  const users = { ...file.users };
  if (entry === undefined) delete users[name];
  else users[name] = entry;
  return { ...file, users };
}

/** A new password: on a terminal asked twice (they must match); at least 8 characters. */
async function readNewPassword(
  ctx: CliContext,
  file: string | undefined,
  name: string,
  lang: Lang,
): Promise<string> {
  const password = await readSecret(ctx, file, t(lang, "user.promptNew", { name }));
  if (password.length < 8) throw usageError(t(lang, "user.shortPassword"));
  if (file === undefined && ctx.stdin.isTTY === true) {
    const again = await readSecret(ctx, undefined, t(lang, "user.confirm"));
    if (again !== password) throw usageError(t(lang, "user.mismatch"));
  }
  return password;
}

export const run = defineCommand({
  options: OPTIONS,
  positionals: true,
  help: "help.user",
  run: async ({ values, positionals, lang }, ctx) => {
    const [action, name, ...extra] = positionals;
    if (action === undefined || !ACTIONS.includes(action as Action)) {
      throw usageError(t(lang, "user.badAction", { action: action ?? "", actions: ACTIONS.join(", ") }));
    }
    if (extra.length > 0) throw usageError(t(lang, "cli.unexpectedArgument", { value: extra[0] }));
    const path = values.file;
    if (path === undefined) throw usageError(t(lang, "cli.missingArgument", { name: "--file" }));
    for (const pattern of [...(values.publish ?? []), ...(values.subscribe ?? [])]) {
      if (!isValidPattern(pattern)) throw usageError(t(lang, "user.badPattern", { pattern }));
    }
    const file = (await loadUsersFile(path, action === "add")) ?? emptyUsersFile();
    if (action === "list") {
      const names = Object.keys(file.users).sort();
      if (names.length === 0) ctx.stdout.write(`${t(lang, "user.none")}\n`);
      for (const user of names) {
        const entry = file.users[user]!;
        ctx.stdout.write(
          `${user}  publish=${entry.publish.join(",") || "-"}  subscribe=${entry.subscribe.join(",") || "-"}  tokens=${entry.tokens.length}${entry.password ? "" : "  (sin contraseña / no password)"}\n`,
        );
      }
      ctx.stdout.write(
        `guest  publish=${file.guest.publish.join(",") || "-"}  subscribe=${file.guest.subscribe.join(",") || "-"}\n`,
      );
      return EXIT_OK;
    }
    if (name === undefined) throw missingArgument(lang, "NAME");
    if (!USER_NAME.test(name) || name === "guest") throw usageError(t(lang, "user.badName", { name }));
    const existing = Object.hasOwn(file.users, name) ? file.users[name] : undefined;
    if (action === "add" && existing !== undefined)
      throw new EnchufeError("EUSERS", `user ${name} exists`, {
        details: { path, message: t(lang, "user.exists", { name }) },
      });
    if (action !== "add" && existing === undefined)
      throw new EnchufeError("EUSERS", `no user ${name}`, {
        details: { path, message: t(lang, "user.missing", { name }) },
      });
    let next: UsersFile;
    switch (action as Exclude<Action, "list">) {
      case "add":
      case "passwd": {
        const password = await readNewPassword(ctx, values["password-file"], name, lang);
        const entry: UserEntry = existing ?? {
          tokens: [],
          publish: values.publish ?? [">"],
          subscribe: values.subscribe ?? [">"],
        };
        next = withUser(file, name, { ...entry, password: await hashPassword(password) });
        break;
      }
      case "remove":
        next = withUser(file, name, undefined);
        break;
      case "token": {
        const { token, hash } = newToken();
        const id = randomBytes(4).toString("hex");
        next = withUser(file, name, {
          ...existing!,
          tokens: [...existing!.tokens, { id, hash, created: new Date().toISOString() }],
        });
        await saveUsersFile(path, next);
        ctx.stderr.write(`${t(lang, "user.tokenOnce", { name })}\n`);
        ctx.stdout.write(`${token}\n`);
        return EXIT_OK;
      }
      case "perms":
        next = withUser(file, name, {
          ...existing!,
          publish: values.publish ?? existing!.publish,
          subscribe: values.subscribe ?? existing!.subscribe,
        });
        break;
    }
    await saveUsersFile(path, next);
    ctx.stdout.write(
      `${t(lang, `user.done.${action as Exclude<Action, "list" | "token">}`, { name, path })}\n`,
    );
    return EXIT_OK;
  },
});
