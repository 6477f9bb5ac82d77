import assert from "node:assert/strict";
import { test } from "node:test";
import { t } from "../../src/i18n/index.js";
import { mapSocketError } from "../../src/transport/tcp.js";

/** A Node system error as net.Server / net.Socket emit it. */
function systemError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code} (test)`), { code, errno: -1, syscall: "listen" });
}

// EACCES needs a non-root user and a port below 1024, ENETUNREACH a host without a route: neither can be
// provoked on a root CI machine with loopback only, so their mapping and texts are checked here.
test("EACCES: listening on a privileged port maps to EACCES, naming the port and --port", () => {
  const error = mapSocketError(systemError("EACCES"), { host: "127.0.0.1", port: 80, step: "listen" });
  assert.equal(error.code, "EACCES");
  assert.equal(error.details.port, 80);
  assert.match(t("es", "error.EACCES", error.details), /puerto 80.*--port/);
  assert.equal(mapSocketError(systemError("EPERM"), { host: "h", port: 1, step: "listen" }).code, "EACCES");
});

test("ENETUNREACH and EHOSTUNREACH map to ENETUNREACH with the address", () => {
  for (const code of ["ENETUNREACH", "EHOSTUNREACH"]) {
    const error = mapSocketError(systemError(code), { host: "10.9.9.9", port: 5000, step: "connect" });
    assert.equal(error.code, "ENETUNREACH");
    assert.match(t("en", "error.ENETUNREACH", error.details), /No network route to 10\.9\.9\.9:5000/);
  }
});

test("unknown system errors still become a stable code", () => {
  assert.equal(mapSocketError(systemError("EWEIRD"), { host: "h", port: 1, step: "read" }).code, "ECLOSED");
});
