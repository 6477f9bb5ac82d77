/**
 * The client's TCP transport against scripted peers on real sockets: what only TCP has (the greeting
 * skipped up to the preface echo, the TLS-required line), and the Connection's handshake timeout.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import net from "node:net";
import { after, describe, test } from "node:test";
import { connect } from "../../src/client/client.js";
import { PREFACE } from "../../src/protocol/frames.js";
import { TLS_REQUIRED_LINE } from "../../src/transport/tls.js";
import { failure } from "../helpers/errors.js";
import { welcomeFrame } from "./welcome.js";

const WELCOME = welcomeFrame("scripted");

const servers: net.Server[] = [];
after(async () => {
  for (const server of servers) {
    server.close();
    await once(server, "close");
  }
});

/** A server on port 0 that runs `script` on each connection once the client's preface has arrived. */
async function scripted(script: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    socket.once("data", () => script(socket));
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as net.AddressInfo).port;
}

describe("client TCP transport", () => {
  test("a plain client on a TLS port reads the TLS-required line: ETLSPLAIN", async () => {
    const port = await scripted((socket) => socket.end(TLS_REQUIRED_LINE));
    const error = await failure(connect({ port, timeoutMs: 3000, reconnect: false }));
    assert.equal(error.code, "ETLSPLAIN");
    assert.equal(error.details.address, `127.0.0.1:${port}`);
  });

  test("greeting text and the preface echo in pieces are skipped; WELCOME after them connects", async () => {
    const port = await scripted((socket) => {
      socket.write("Hello, a long greeting line\nmore text ");
      socket.write(PREFACE.subarray(0, 2));
      setImmediate(() => socket.write(Buffer.concat([PREFACE.subarray(2), WELCOME])));
    });
    const client = await connect({ port, timeoutMs: 3000, reconnect: false });
    assert.equal(client.info?.serverName, "scripted");
    assert.equal(client.encrypted, false);
    await client.close();
  });

  test("the preface echo and then no WELCOME: ETIMEDOUT at the handshake step", async () => {
    const port = await scripted((socket) => socket.write(Buffer.concat([Buffer.from("Hello\n"), PREFACE])));
    const error = await failure(connect({ port, timeoutMs: 300, reconnect: false }));
    assert.equal(error.code, "ETIMEDOUT");
    assert.equal(error.details.step, "handshake");
    assert.equal(error.details.address, `127.0.0.1:${port}`);
  });
});
