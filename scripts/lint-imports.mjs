// Checks the import rules of .dependency-cruiser.mjs over src/ (or the paths given), from the current
// directory. dependency-cruiser 18 runs on Node 22 or newer only: on an older Node (20, still supported)
// it runs under Node 24 from npm's `node` package (`npx -y node@24`, fetched once, then cached).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cruiser = fileURLToPath(
  new URL("../node_modules/dependency-cruiser/bin/dependency-cruiser.mjs", import.meta.url),
);
if (!existsSync(cruiser)) {
  console.error(
    "lint-imports: dependency-cruiser is not installed: run `npm ci` (it installs the dev dependencies).",
  );
  process.exit(1);
}
const config = fileURLToPath(new URL("../.dependency-cruiser.mjs", import.meta.url));
const paths = process.argv.length > 2 ? process.argv.slice(2) : ["src"];
const args = [cruiser, "--config", config, "--output-type", "err", ...paths];
const major = Number(process.versions.node.split(".")[0]);
const [command, commandArgs] = major >= 22 ? [process.execPath, args] : ["npx", ["-y", "node@24", ...args]];
const result = spawnSync(command, commandArgs, { stdio: "inherit" });
if (result.error !== undefined) {
  console.error(`lint-imports: could not run dependency-cruiser: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
