/** Host names and socket addresses: parsing what users type and printing what sockets report. */
import { isIP } from "node:net";

/**
 * Normalizes a host as the C library's inet_aton does for the original's shorthand:
 * `127.0.1` means 127.0.0.1 (the last number fills the remaining bytes). Other hosts pass unchanged.
 */
export function normalizeHost(host: string): string {
  const trimmed = host.trim();
  if (trimmed.startsWith("[") && trimmed.endsWith("]")) return trimmed.slice(1, -1);
  if (!/^\d+(\.\d+){1,2}$/.test(trimmed)) return trimmed;
  const parts = trimmed.split(".").map(Number);
  const last = parts.pop()!;
  const lastBytes = 4 - parts.length;
  if (parts.some((p) => p > 255) || last >= 256 ** lastBytes) return trimmed;
  const bytes = [...parts];
  for (let i = lastBytes - 1; i >= 0; i--) bytes.push(Math.floor(last / 256 ** i) % 256);
  return bytes.join(".");
}

/** `127.0.0.1:5000`, or `[::1]:5000` for IPv6. IPv4-mapped IPv6 addresses print as IPv4. */
export function formatAddress(host: string, port: number): string {
  const plain = host.startsWith("::ffff:") && isIP(host.slice(7)) === 4 ? host.slice(7) : host;
  return isIP(plain) === 6 ? `[${plain}]:${port}` : `${plain}:${port}`;
}

/** True for addresses of this machine's loopback interface (127.0.0.0/8, ::1, IPv4-mapped loopback). */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const plain = address.startsWith("::ffff:") ? address.slice(7) : address;
  return plain === "::1" || /^127\./.test(plain);
}

/** True when binding `host` listens beyond this machine (everything but loopback). */
export function isPublicBind(host: string): boolean {
  return host !== "localhost" && !isLoopback(host);
}
