/** `--trace` on the framed commands shows the preface and every frame: its type, size and bytes in hex. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { enchufe, type Running, runEnchufe, stopAll } from "../helpers/cli.js";

let server: Running;
let port: string;
before(async () => {
  server = enchufe(["server", "--port", "0"]);
  port = String(await server.port());
});
after(stopAll);

/** The trace lines (stderr) that mention frames or the preface. */
function frameLines(stderr: string): string[] {
  return stderr.split("\n").filter((line) => /(trama|frame|preámbulo|preface)/.test(line));
}

describe("--trace - frames of a framed client", () => {
  test("pub --trace: preface, HELLO, the echo, WELCOME, PUB with PROTOCOL.md's bytes, PING/PONG, CLOSE (es)", async () => {
    const end = await runEnchufe(["pub", "general", "hola", "--trace", "--port", port]);
    assert.equal(end.code, 0, end.stderr);
    const lines = frameLines(end.stderr);
    assert.deepEqual(
      lines.map((line) => /^\[traza\] ([^,:]+)(?:: ([A-Z]+))?/.exec(line)?.slice(1, 3).join(" ").trim()),
      [
        "preámbulo enviado",
        "trama enviada HELLO",
        "eco del preámbulo recibido",
        "trama recibida WELCOME",
        "trama enviada PUB",
        "trama enviada PING",
        "trama recibida PONG",
        "trama enviada CLOSE",
      ],
    );
    // docs/PROTOCOL.md §2.3: {"type":"PUB","topic":"general","headers":[],"payload":"hola"}
    assert.ok(
      lines.includes(
        "[traza] trama enviada: PUB, 21 bytes: 03 00 00 00 00 0f 00 07 67 65 6e 65 72 61 6c 00 00 68 6f 6c 61",
      ),
      lines.join("\n"),
    );
    assert.ok(lines.includes("[traza] trama recibida: PONG, 6 bytes: 0d 00 00 00 00 00"), lines.join("\n"));
  });

  test("request --trace: REQ sent and REPLY received, a frame over 48 bytes cut with … (en)", async () => {
    const payload = "x".repeat(100);
    const end = await runEnchufe(["request", "echo", payload, "--trace", "--port", port], {
      env: { ENCHUFE_LANG: "en" },
    });
    assert.equal(end.code, 0, end.stderr);
    assert.equal(end.stdout, `${payload}\n`);
    const lines = frameLines(end.stderr);
    assert.ok(lines.includes("[trace] preface sent: 00 45 4e 43 (I am a program: I speak frames)"));
    assert.ok(lines.includes("[trace] preface echo received: from here on, only frames"));
    const req = lines.find((line) => line.startsWith("[trace] frame sent: REQ, "));
    assert.match(
      req ?? "",
      /^\[trace\] frame sent: REQ, 122 bytes: 07 00 00 00 00 74 (?:[0-9a-f]{2} ){41}[0-9a-f]{2} …$/,
    );
    assert.match(
      lines.find((line) => line.includes("REPLY")) ?? "",
      /^\[trace\] frame received: REPLY, 113 bytes: 0a 00 00 00 00 6b /,
    );
  });

  test("without --trace nothing about frames is printed", async () => {
    const end = await runEnchufe(["pub", "general", "hola", "--port", port]);
    assert.equal(end.code, 0);
    assert.equal(end.stderr, "");
  });
});
