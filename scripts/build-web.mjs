// Builds what browsers load from the messaging port into dist/web (run by `npm run build`, after tsc):
// each entry is bundled by esbuild for the browser (ES2022, minified, with a source map), each page file
// copied, and dist/web/manifest.json maps URL paths to files for src/server/web-assets.ts.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { build } from "esbuild";

const OUT = "dist/web";

/** URL path → bundled TypeScript entry. */
const BUNDLES = [{ path: "/chat.js", entry: "src/web/chat/main.ts", file: "chat.js" }];
/** URL path → file copied as it is. */
const FILES = [
  { path: "/", source: "src/web/chat/index.html" },
  { path: "/chat.css", source: "src/web/chat/chat.css" },
  { path: "/favicon.svg", source: "src/web/chat/favicon.svg" },
];

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const manifest = {};
for (const { path, entry, file } of BUNDLES) {
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
  });
  manifest[path] = file;
  manifest[`${path}.map`] = `${file}.map`;
}
for (const { path, source } of FILES) {
  copyFileSync(source, join(OUT, basename(source)));
  manifest[path] = basename(source);
}
writeFileSync(join(OUT, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
