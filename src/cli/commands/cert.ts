/**
 * `enchufe cert [--out DIR] [NAME_OR_IP ...] [--client NAME]`: a development CA and certificates.
 * Reuses the CA already in DIR, so server and client certificates come from the same CA.
 */
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createDevCa, issueClientCert, issueServerCert, type PemPair } from "../../auth/certs.js";
import { EnchufeError } from "../../errors.js";
import { t } from "../../i18n/index.js";
import { usageError } from "../args.js";
import { defineCommand } from "../command.js";
import { EXIT_OK } from "../context.js";

const OPTIONS = {
  out: { type: "string", short: "o" },
  client: { type: "string", multiple: true },
} as const;

async function write(path: string, content: string, secret: boolean): Promise<void> {
  try {
    await writeFile(path, content, { mode: secret ? 0o600 : 0o644 });
    if (secret) await chmod(path, 0o600);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new EnchufeError("EFILE", `Cannot write ${path}: ${reason}`, {
      details: { path, reason },
      cause: error,
    });
  }
}

async function existingCa(dir: string): Promise<PemPair | undefined> {
  try {
    return {
      cert: await readFile(join(dir, "ca.pem"), "utf8"),
      key: await readFile(join(dir, "ca-key.pem"), "utf8"),
    };
  } catch {
    return undefined;
  }
}

export const run = defineCommand({
  options: OPTIONS,
  positionals: true,
  help: "help.cert",
  run: async ({ values, positionals, lang }, ctx) => {
    const dir = values.out ?? "certs";
    for (const name of [...positionals, ...(values.client ?? [])]) {
      if (!/^[A-Za-z0-9.:_-]{1,253}$/.test(name)) throw usageError(t(lang, "cert.badName", { name }));
    }
    await mkdir(dir, { recursive: true });
    let ca = await existingCa(dir);
    if (ca === undefined) {
      ca = await createDevCa();
      await write(join(dir, "ca.pem"), ca.cert, false);
      await write(join(dir, "ca-key.pem"), ca.key, true);
      ctx.stdout.write(`${t(lang, "cert.createdCa", { path: join(dir, "ca.pem") })}\n`);
    } else {
      ctx.stdout.write(`${t(lang, "cert.reusedCa", { path: join(dir, "ca.pem") })}\n`);
    }
    const clients = values.client ?? [];
    const hasServerCert = await readFile(join(dir, "server.pem")).then(
      () => true,
      () => false,
    );
    // A server certificate is made when asked for (no --client, or names given) or when DIR has none yet.
    if (clients.length === 0 || positionals.length > 0 || !hasServerCert) {
      const server = await issueServerCert(ca, positionals);
      await write(join(dir, "server.pem"), server.cert, false);
      await write(join(dir, "server-key.pem"), server.key, true);
      const names = ["localhost", "127.0.0.1", "::1", ...positionals].join(", ");
      ctx.stdout.write(`${t(lang, "cert.createdServer", { path: join(dir, "server.pem"), names })}\n`);
    }
    for (const name of clients) {
      const client = await issueClientCert(ca, name);
      await write(join(dir, `${name}.pem`), client.cert, false);
      await write(join(dir, `${name}-key.pem`), client.key, true);
      ctx.stdout.write(`${t(lang, "cert.createdClient", { path: join(dir, `${name}.pem`), name })}\n`);
    }
    const example = clients[0];
    ctx.stdout.write(
      `\n${t(lang, "cert.next", {
        server: `npx enchufe server --tls-cert ${join(dir, "server.pem")} --tls-key ${join(dir, "server-key.pem")}${
          example === undefined ? "" : ` --tls-client-ca ${join(dir, "ca.pem")}`
        }`,
        client: `npx enchufe client --tls --ca ${join(dir, "ca.pem")}${
          example === undefined
            ? ""
            : ` --cert ${join(dir, `${example}.pem`)} --key ${join(dir, `${example}-key.pem`)}`
        }`,
      })}\n`,
    );
    return EXIT_OK;
  },
});
