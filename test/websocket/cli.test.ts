import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { enchufe, runEnchufe, stopAll } from "../helpers/cli.js";
import { RawPeer, WsPeer } from "./helpers.js";

let dir = "";

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "enchufe-ws-"));
  const made = await runEnchufe(["cert", "--out", dir]);
  assert.equal(made.code, 0, made.stderr);
});
after(async () => {
  await stopAll();
  await rm(dir, { recursive: true, force: true });
});

describe("enchufe server - WebSocket on the same port", () => {
  test("--ws-origin lets a page of that origin in; a foreign one gets 403", async () => {
    const server = enchufe(["server", "--port", "0", "--lang", "en", "--ws-origin", "http://*.example.org"]);
    const port = await server.port();
    const page = new WsPeer(`ws://127.0.0.1:${port}/ws`, "enchufe.text", {
      Origin: "http://chat.example.org",
    });
    assert.match(await page.lines.next(), /Julian/);
    page.close();
    const foreign = new WsPeer(`ws://127.0.0.1:${port}/ws`, "enchufe.text", { Origin: "http://example.com" });
    const status = await new Promise<number>((resolve) =>
      foreign.socket.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0)),
    );
    assert.equal(status, 403);
    foreign.close();
  });

  test("wss:// with --tls-cert: a browser user and a TLS text user share the port", async () => {
    const server = enchufe([
      "server",
      "--port",
      "0",
      "--lang",
      "en",
      "--tls-cert",
      join(dir, "server.pem"),
      "--tls-key",
      join(dir, "server-key.pem"),
    ]);
    const port = await server.port();
    const ca = await readFile(join(dir, "ca.pem"));
    const { default: WebSocket } = await import("ws");
    const socket = new WebSocket(`wss://localhost:${port}/ws`, "enchufe.text", { ca });
    const lines: string[] = [];
    const greeted = new Promise<void>((resolve) =>
      socket.on("message", (data: Buffer) => {
        lines.push(data.toString());
        resolve();
      }),
    );
    await greeted;
    assert.match(lines[0]!, /Julian/);
    socket.close();
    // A plain-text client on the TLS port is still told to use TLS.
    const plain = await RawPeer.connect(port);
    await plain.line("! TLS");
    plain.close();
  });

  test("the chat page speaks --lang (or ENCHUFE_LANG) when given, else each browser's language", async () => {
    const settings = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const server = enchufe(["server", "--port", "0", ...args], { env });
      const port = await server.port();
      const response = await fetch(`http://127.0.0.1:${port}/settings.json`);
      assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
      return response.json();
    };
    assert.deepEqual(await settings(["--lang", "en"]), { lang: "en" });
    assert.deepEqual(await settings([], { ENCHUFE_LANG: "es" }), { lang: "es" });
    assert.deepEqual(await settings([]), { lang: null });
  });

  test("--help describes --ws-origin in both languages", async () => {
    const es = await runEnchufe(["server", "--help", "--lang", "es"]);
    assert.match(es.stdout, /--ws-origin PATRÓN/);
    const en = await runEnchufe(["server", "--help", "--lang", "en"]);
    assert.match(en.stdout, /--ws-origin PATTERN/);
  });
});
