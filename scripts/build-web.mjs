// Builds what browsers load from the messaging port into dist/web (run by `npm run build`, after tsc):
// each entry is bundled by esbuild for the browser (ES2022, minified, with a source map), each page file
// copied, and dist/web/manifest.json maps URL paths to files for src/server/web-assets.ts.
// The library's code uses Buffer and EventEmitter: in a bundle marked `node: true`, node:buffer (and the
// global Buffer) is the `buffer` package with isUtf8 added (scripts/browser-shims/buffer.mjs), node:events
// the `events` package. Only there: an injected file is bundled even where nothing uses it (28 KB).
// Any other node: import fails the build, as it should (platform browser).
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const OUT = "dist/web";
const BUFFER_SHIM = fileURLToPath(new URL("./browser-shims/buffer.mjs", import.meta.url));

/** node:buffer and node:events to their browser stand-ins. */
const nodeShims = {
  name: "node-shims",
  setup(build) {
    build.onResolve({ filter: /^node:buffer$/ }, () => ({ path: BUFFER_SHIM }));
    build.onResolve({ filter: /^node:events$/ }, (args) =>
      build.resolve("events", { kind: args.kind, resolveDir: args.resolveDir }),
    );
  },
};

/** URL path → bundled TypeScript entry (`node`: it needs the node:buffer and node:events stand-ins). */
const BUNDLES = [
  { path: "/enchufe.js", entry: "src/client/browser.ts", file: "enchufe.js", node: true },
  { path: "/chat.js", entry: "src/web/chat/main.ts", file: "chat.js" },
];
/** URL path → file copied as it is. */
const FILES = [
  { path: "/", source: "src/web/chat/index.html" },
  { path: "/chat.css", source: "src/web/chat/chat.css" },
  { path: "/favicon.svg", source: "src/web/chat/favicon.svg" },
];

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const manifest = {};
for (const { path, entry, file, node } of BUNDLES) {
  await build({
    entryPoints: [entry],
    outfile: join(OUT, file),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: true,
    legalComments: "none",
    logLevel: "warning",
    ...(node === true ? { inject: [BUFFER_SHIM], plugins: [nodeShims] } : {}),
  });
  manifest[path] = file;
  manifest[`${path}.map`] = `${file}.map`;
}
for (const { path, source } of FILES) {
  copyFileSync(source, join(OUT, basename(source)));
  manifest[path] = basename(source);
}
writeFileSync(join(OUT, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
