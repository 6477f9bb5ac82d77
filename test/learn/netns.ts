/** Linux network namespaces for the lessons' tests: unique names, created and deleted by the test (root). */
import { spawnSync } from "node:child_process";

/** Runs `ip ...args`; throws with ip's own message when it fails. */
export function ip(...args: string[]): void {
  const result = spawnSync("ip", args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`ip ${args.join(" ")}: ${result.stderr}${result.error ?? ""}`);
}

/** A new, empty namespace (no interface up, no route): `prefix` runs a command inside it. */
export function addNamespace(tag: string): { name: string; prefix: string[]; remove(): void } {
  const name = `aprende-${tag}-${process.pid}`;
  ip("netns", "add", name);
  return {
    name,
    prefix: ["ip", "netns", "exec", name],
    remove: () => void spawnSync("ip", ["netns", "del", name]),
  };
}
