import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { fetchGreeting } from "../../src/client/greet.js";
import { EnchufeError, isEnchufeError } from "../../src/errors.js";
import { ORIGINAL_GREETING, resolveServerOptions } from "../../src/server/options.js";
import { createServer, type EnchufeServer } from "../../src/server/server.js";
import { formatAddress, normalizeHost } from "../../src/transport/address.js";

const servers: EnchufeServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function start(options: Parameters<typeof createServer>[0]) {
  const server = createServer({ port: 0, ...options });
  servers.push(server);
  const bound = await server.listen();
  return { server, port: bound.port };
}

describe("library: createServer and fetchGreeting", () => {
  test("defaults are the original's: 127.0.0.1, 5000, the exact greeting", () => {
    const options = resolveServerOptions();
    assert.equal(options.host, "127.0.0.1");
    assert.equal(options.port, 5000);
    assert.equal(options.message, ORIGINAL_GREETING);
    assert.ok(Object.isFrozen(options));
  });

  test("invalid options fail at construction with EOPTION", () => {
    assert.throws(
      () => createServer({ port: 70000 }),
      (e) => isEnchufeError(e, "EOPTION"),
    );
    assert.throws(
      () => createServer({ port: -1 }),
      (e) => isEnchufeError(e, "EOPTION"),
    );
    assert.throws(
      () => createServer({ host: "" }),
      (e) => isEnchufeError(e, "EOPTION"),
    );
  });

  test("200 concurrent greetings from one greet-only server", async () => {
    const { port } = await start({ mode: "greet-only" });
    const greetings = await Promise.all(Array.from({ length: 200 }, () => fetchGreeting({ port })));
    assert.equal(greetings.length, 200);
    for (const greeting of greetings) {
      assert.equal(greeting.text, ORIGINAL_GREETING);
      assert.equal(greeting.validUtf8, true);
    }
  });

  test("fetchGreeting reads a session server's greeting line (ends at the newline)", async () => {
    const { port } = await start({ mode: "session", message: "hola" });
    const greeting = await fetchGreeting({ port });
    assert.equal(greeting.text, "hola");
  });

  test("an AbortSignal cancels a read with EABORTED", async () => {
    const net = await import("node:net");
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    const controller = new AbortController();
    const pending = fetchGreeting({ port, signal: controller.signal });
    setImmediate(() => controller.abort());
    await assert.rejects(pending, (e) => e instanceof EnchufeError && e.code === "EABORTED");
    silent.close();
  });

  test("errors carry stable codes and details", async () => {
    const { server, port } = await start({ mode: "greet-only" });
    await server.close();
    await assert.rejects(fetchGreeting({ port }), (e) => {
      assert.ok(isEnchufeError(e, "ECONNREFUSED"));
      assert.equal(e.details.port, port);
      assert.equal(e.details.address, `127.0.0.1:${port}`);
      return true;
    });
  });

  test("once mode serves one client then emits done and stops listening", async () => {
    const { server, port } = await start({ mode: "once" });
    const done = new Promise((resolve) => server.once("done", resolve));
    assert.equal((await fetchGreeting({ port })).text, ORIGINAL_GREETING);
    await done;
    await assert.rejects(fetchGreeting({ port, timeoutMs: 2000 }), (e) => isEnchufeError(e, "ECONNREFUSED"));
  });

  test("addresses: inet_aton shorthand, IPv6 brackets, IPv4-mapped", () => {
    assert.equal(normalizeHost("127.0.1"), "127.0.0.1");
    assert.equal(normalizeHost("127.1"), "127.0.0.1");
    assert.equal(normalizeHost("10.258"), "10.0.1.2");
    assert.equal(normalizeHost("[::1]"), "::1");
    assert.equal(normalizeHost("localhost"), "localhost");
    assert.equal(formatAddress("::1", 5000), "[::1]:5000");
    assert.equal(formatAddress("::ffff:127.0.0.1", 5000), "127.0.0.1:5000");
    assert.equal(formatAddress("127.0.0.1", 5000), "127.0.0.1:5000");
  });
});
