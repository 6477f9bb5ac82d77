/**
 * The functions with the most self time in a V8 .cpuprofile (from `node --cpu-prof`), for `--profile` runs.
 * Also a command: `node --import tsx bench/profile.ts FILE.cpuprofile [TOP]`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface CpuProfile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: CallFrame }[];
  readonly samples: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** Lines "share%  ms  function file:line", most self time first. */
export function summarizeProfile(path: string, top = 20): string {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const perFunction = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = frames.get(id);
    const micros = profile.timeDeltas?.[i] ?? 0;
    if (frame === undefined) return;
    const file = frame.url.replace(/^.*\/(src|dist|bench|node_modules)\//, "$1/");
    const key = `${frame.functionName || "(anonymous)"}${file === "" ? "" : ` ${file}:${frame.lineNumber + 1}`}`;
    perFunction.set(key, (perFunction.get(key) ?? 0) + micros);
    total += micros;
  });
  const idle = perFunction.get("(idle)") ?? 0;
  perFunction.delete("(idle)");
  const lines = [...perFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(
      ([name, micros]) =>
        `${((100 * micros) / Math.max(1, total - idle)).toFixed(1).padStart(5)}%  ${(micros / 1e3).toFixed(0).padStart(6)} ms  ${name}`,
    );
  const busy = ((total - idle) / 1e6).toFixed(2);
  const header = `self time, as a share of the ${busy} s the process was busy (idle: ${(idle / 1e6).toFixed(2)} s):`;
  return [header, ...lines].join("\n");
}

/** The newest .cpuprofile in a directory. */
export function newestProfile(dir: string): string | undefined {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".cpuprofile"))
    .map((name) => join(dir, name));
  return files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, top] = process.argv.slice(2);
  if (file === undefined) {
    process.stderr.write("usage: node --import tsx bench/profile.ts FILE.cpuprofile [TOP]\n");
    process.exitCode = 2;
  } else {
    process.stdout.write(`${summarizeProfile(file, Number(top ?? 20))}\n`);
  }
}
