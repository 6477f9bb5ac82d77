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
  test("pub --trace: preface, HELLO, the echo, WELCOME, APUB with its id, PUBACK with the position, CLOSE (es)", async () => {
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
        "trama enviada APUB",
        "trama recibida PUBACK",
        "trama enviada CLOSE",
      ],
    );
    // docs/PROTOCOL.md §2.5: APUB with an 18-byte id (16 random hex digits, ":1"), topic general, payload hola.
    const apub = lines.find((line) => line.startsWith("[traza] trama enviada: APUB"));
    assert.match(
      apub ?? "",
      /^\[traza\] trama enviada: APUB, 41 bytes: 12 00 00 00 00 23 00 12 (?:3[0-9] |6[1-6] ){16}3a 31 00 07 67 65 6e 65 72 61 6c 00 00 68 6f 6c 61$/,
    );
    // The PUBACK: the same id, status OK, a position (the server's first kept message here or a later one).
    const id = apub?.slice(apub.indexOf("00 12 "), apub.indexOf(" 00 07"));
    const puback = lines.find((line) => line.startsWith("[traza] trama recibida: PUBACK"));
    assert.ok(puback?.includes(`${id} 00 00 00 00 00 00 00 00 `), `${puback} does not acknowledge ${id}`);
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
