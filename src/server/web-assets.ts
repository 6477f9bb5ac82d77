/**
 * The files a browser loads from the messaging port (the chat page, the browser client), read from the
 * folder `scripts/build-web.mjs` writes (dist/web): its manifest.json maps each URL path to a file.
 * Read once, on the first HTTP request; served from memory with an ETag, so a reload costs a 304.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface WebAsset {
  readonly type: string;
  readonly body: Buffer;
  readonly etag: string;
}

/** What a folder of built web files holds: the assets by URL path, or why there are none. */
export type WebAssets =
  | { readonly ok: true; readonly files: ReadonlyMap<string, WebAsset> }
  | { readonly ok: false; readonly reason: string };

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

/**
 * The package's own built web folder: dist/web beside dist/server (under tsx, src/server runs and the
 * built files are still in dist/web).
 */
export function defaultWebRoot(): string {
  const here = fileURLToPath(new URL(".", import.meta.url));
  const top = dirname(here);
  return basename(top) === "dist" ? join(top, "web") : join(top, "..", "dist", "web");
}

/** Reads `root`'s manifest and every file it names; a missing or broken folder is a reason, not a throw. */
export function loadWebAssets(root: string): WebAssets {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(join(root, "manifest.json"), "utf8"));
  } catch {
    return { ok: false, reason: `the web files are not built in ${root}: run npm run build` };
  }
  if (typeof manifest !== "object" || manifest === null) {
    return { ok: false, reason: `${join(root, "manifest.json")} is not a JSON object: run npm run build` };
  }
  const files = new Map<string, WebAsset>();
  for (const [path, file] of Object.entries(manifest)) {
    if (typeof file !== "string") continue;
    let body: Buffer;
    try {
      body = readFileSync(join(root, file));
    } catch {
      return { ok: false, reason: `${join(root, file)} is missing: run npm run build` };
    }
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
    files.set(path, { type: TYPES[extname(file)] ?? "application/octet-stream", body, etag });
  }
  return { ok: true, files };
}
