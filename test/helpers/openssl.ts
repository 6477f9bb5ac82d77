/** `openssl s_client`, an independent TLS client, for tests: verifies against a CA file and fails otherwise. */
import { spawn } from "node:child_process";
import { Running } from "./cli.js";

/** Connects to 127.0.0.1:port quietly (only the data on stdout, the verification on stderr). */
export function opensslClient(port: string, caFile: string, extra: readonly string[] = []): Running {
  return new Running(
    spawn("openssl", [
      "s_client",
      "-connect",
      `127.0.0.1:${port}`,
      "-CAfile",
      caFile,
      ...extra,
      "-verify_return_error",
      "-quiet",
    ]),
  );
}
