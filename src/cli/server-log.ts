/**
 * `enchufe server`'s log on stdout: the original's lines (`Servidor esperando conexion tenga
 * paciencia...`, `Conexion establecida desde HOST:PORT`, exactly as servidor.py prints them by default)
 * and one line per disconnect and per login. `--log-timestamps` puts an ISO 8601 time before every line;
 * `--log-format json` writes one JSON object per event instead (time, event, its fields, the text).
 * Secrets are never logged: a login line names the user, the address and the method.
 * Lines are joined into few writes: a line after a quiet moment goes out at the end of its event-loop
 * turn, with the others of that turn; while lines keep coming, the next write waits until COALESCE_MS
 * after the last one (a server greeting 25,000 connections a second accepts about one a turn: a write
 * per line cost it 20 % of its CPU). So a line is at most COALESCE_MS late.
 */
import type { Lang } from "../i18n/index.js";
import { t } from "../i18n/index.js";
import type { LoginEvent } from "../server/messaging.js";
import type { ClientInfo, DisconnectReason } from "../server/session.js";
import { formatAddress } from "../transport/address.js";

export type LogFormat = "text" | "json";

export interface ServerLogOptions {
  readonly timestamps: boolean;
  readonly format: LogFormat;
}

/** The longest a log line waits for others to share its write. */
export const COALESCE_MS = 10;

export class ServerLog {
  readonly #out: NodeJS.WritableStream;
  readonly #lang: Lang;
  readonly #options: ServerLogOptions;
  #pending: string[] = [];
  readonly #flush = (): void => this.flush();
  /** performance.now() at the last write, -Infinity before the first. */
  #lastWrite = Number.NEGATIVE_INFINITY;

  constructor(out: NodeJS.WritableStream, lang: Lang, options: ServerLogOptions) {
    this.#out = out;
    this.#lang = lang;
    this.#options = options;
  }

  /** One event: `text` as a line (maybe timestamped), or a JSON object with `fields`. */
  write(event: string, text: string, fields: Readonly<Record<string, unknown>> = {}): void {
    const { format, timestamps } = this.#options;
    const time = format === "json" || timestamps ? new Date().toISOString() : "";
    if (this.#pending.length === 0) {
      const wait = this.#lastWrite + COALESCE_MS - performance.now();
      // A ref'd timer: a process that ends meanwhile waits for it, so no line is lost at exit.
      if (wait <= 0) setImmediate(this.#flush);
      else setTimeout(this.#flush, Math.ceil(wait));
    }
    if (format === "json")
      this.#pending.push(`${JSON.stringify({ time, event, ...fields, message: text })}\n`);
    else this.#pending.push(timestamps ? `${time} ${text}\n` : `${text}\n`);
  }

  /** Writes the lines still waiting now (a trace line on stderr must come after them). */
  flush(): void {
    if (this.#pending.length === 0) return;
    const lines = this.#pending;
    this.#pending = [];
    this.#lastWrite = performance.now();
    this.#out.write(lines.length === 1 ? lines[0]! : lines.join(""));
  }

  /** The original's two start lines (the first says TLS and required login when they are on). */
  listening(address: string, tls: boolean, auth: boolean): void {
    const lang = this.#lang;
    const extras = [
      ...(tls ? [t(lang, "log.listening.tls")] : []),
      ...(auth ? [t(lang, "log.listening.auth")] : []),
    ];
    const suffix = extras.length === 0 ? "" : ` (${extras.join(", ")})`;
    this.write("listening", `${t(lang, "cli.listening", { address })}${suffix}`, { address, tls, auth });
    this.write("waiting", t(lang, "cli.waiting"));
  }

  connection(address: string): void {
    this.write("connection", t(this.#lang, "cli.connection", { address }), { address });
  }

  disconnect(client: ClientInfo, reason: DisconnectReason): void {
    const address = formatAddress(client.remoteAddress ?? "?", client.remotePort ?? 0);
    const text = t(this.#lang, "log.disconnect", {
      nick: client.nick,
      address,
      reason: t(this.#lang, `log.reason.${reason}`),
    });
    this.write("disconnect", text, {
      address,
      nick: client.nick,
      user: client.user,
      mode: client.mode,
      reason,
    });
  }

  login(event: LoginEvent): void {
    const lang = this.#lang;
    const address = formatAddress(event.remoteAddress ?? "?", event.remotePort ?? 0);
    const user = event.user ?? t(lang, "log.login.token");
    const method = t(lang, `log.method.${event.method}`);
    const text = event.ok
      ? t(lang, "log.login.ok", { user, address, method })
      : t(lang, "log.login.failed", {
          user,
          address,
          method,
          why: t(lang, `log.why.${event.code ?? "EAUTH"}`),
        });
    this.write(event.ok ? "login" : "login-failed", text, {
      address,
      user: event.user,
      method: event.method,
      ...(event.ok ? {} : { code: event.code ?? "EAUTH" }),
    });
  }
}
