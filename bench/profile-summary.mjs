// Prints the functions with the most self time in a V8 .cpuprofile (from `node --cpu-prof`).
// Usage: node bench/profile-summary.mjs FILE.cpuprofile [TOP=25]
import { readFileSync } from "node:fs";

const [file, topArg] = process.argv.slice(2);
if (file === undefined) {
  console.error("usage: node bench/profile-summary.mjs FILE.cpuprofile [TOP]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map();
const deltas = profile.timeDeltas ?? [];
profile.samples.forEach((id, i) => {
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (deltas[i] ?? 0));
});
const perFunction = new Map();
let total = 0;
for (const [id, micros] of selfMicros) {
  const frame = byId.get(id)?.callFrame;
  if (frame === undefined) continue;
  const where =
    frame.url === ""
      ? ""
      : ` ${frame.url.replace(/^.*\/(src|dist|node_modules)\//, "$1/")}:${frame.lineNumber + 1}`;
  const key = `${frame.functionName || "(anonymous)"}${where}`;
  perFunction.set(key, (perFunction.get(key) ?? 0) + micros);
  total += micros;
}
const top = [...perFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25));
console.log(`self time, total ${(total / 1e6).toFixed(2)} s sampled`);
for (const [name, micros] of top) {
  console.log(
    `${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1e3).toFixed(0).padStart(6)} ms  ${name}`,
  );
}
