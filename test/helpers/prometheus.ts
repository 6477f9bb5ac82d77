/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for tests: it throws on any line
 * that is not a well-formed comment, HELP, TYPE or sample, on a sample whose family has no TYPE before
 * it, on a family split in two, on a counter without `_total`, on a duplicate series, on a bad escape,
 * and on a body that does not end in a newline.
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly timestamp: number | undefined;
}

export interface MetricFamily {
  readonly name: string;
  type: MetricType | undefined;
  help: string | undefined;
  readonly samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: readonly MetricType[] = ["counter", "gauge", "histogram", "summary", "untyped"];

export class ExpositionError extends Error {
  constructor(lineNumber: number, line: string, rule: string) {
    super(`line ${lineNumber}: ${rule}: ${JSON.stringify(line)}`);
  }
}

/** Parses a whole exposition; returns its families by name, in order. */
export function parseExposition(text: string): Map<string, MetricFamily> {
  if (text.length > 0 && !text.endsWith("\n"))
    throw new ExpositionError(0, text.slice(-40), "no final newline");
  const families = new Map<string, MetricFamily>();
  const finished = new Set<string>();
  let current: string | undefined;
  const seen = new Set<string>();
  const lines = text.split("\n");
  lines.pop();
  const family = (name: string, lineNumber: number, line: string): MetricFamily => {
    if (current !== name) {
      if (current !== undefined) finished.add(current);
      if (finished.has(name)) throw new ExpositionError(lineNumber, line, "family split in two groups");
      current = name;
    }
    let found = families.get(name);
    if (found === undefined) {
      found = { name, type: undefined, help: undefined, samples: [] };
      families.set(name, found);
    }
    return found;
  };
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (line === "") throw new ExpositionError(lineNumber, line, "empty line");
    if (line.startsWith("#")) {
      const match = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (match === null) {
        if (/^# ?(HELP|TYPE)\b/.test(line))
          throw new ExpositionError(lineNumber, line, "malformed HELP/TYPE");
        return; // an ordinary comment
      }
      const [, keyword, name, rest] = match as unknown as [string, string, string, string | undefined];
      if (!METRIC_NAME.test(name)) throw new ExpositionError(lineNumber, line, "bad metric name");
      const target = family(name, lineNumber, line);
      if (keyword === "HELP") {
        if (target.help !== undefined) throw new ExpositionError(lineNumber, line, "second HELP");
        target.help = unescaped(rest ?? "", false, lineNumber, line);
      } else {
        if (target.type !== undefined) throw new ExpositionError(lineNumber, line, "second TYPE");
        if (target.samples.length > 0) throw new ExpositionError(lineNumber, line, "TYPE after samples");
        if (!TYPES.includes(rest as MetricType)) throw new ExpositionError(lineNumber, line, "unknown type");
        target.type = rest as MetricType;
        if (target.type === "counter" && !name.endsWith("_total"))
          throw new ExpositionError(lineNumber, line, "counter name without _total");
      }
      return;
    }
    const sample = parseSample(line, lineNumber);
    const target = family(sample.name, lineNumber, line);
    if (target.type === undefined) throw new ExpositionError(lineNumber, line, "sample before its TYPE");
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(key)) throw new ExpositionError(lineNumber, line, "duplicate series");
    seen.add(key);
    if (target.type === "counter" && !(sample.value >= 0))
      throw new ExpositionError(lineNumber, line, "negative or NaN counter");
    target.samples.push(sample);
  });
  return families;
}

function parseSample(line: string, lineNumber: number): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (nameMatch === null) throw new ExpositionError(lineNumber, line, "no metric name");
  const name = nameMatch[0];
  let at = name.length;
  const labels: Record<string, string> = {};
  if (line[at] === "{") {
    at++;
    while (line[at] !== "}") {
      const labelMatch = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(at));
      if (labelMatch === null) throw new ExpositionError(lineNumber, line, "bad label");
      const labelName = labelMatch[1]!;
      if (!LABEL_NAME.test(labelName) || labelName.startsWith("__"))
        throw new ExpositionError(lineNumber, line, "bad label name");
      if (Object.hasOwn(labels, labelName)) throw new ExpositionError(lineNumber, line, "repeated label");
      at += labelMatch[0].length;
      let raw = "";
      for (;;) {
        const char = line[at];
        if (char === undefined) throw new ExpositionError(lineNumber, line, "unterminated label value");
        if (char === '"') break;
        if (char === "\\") {
          raw += char + (line[at + 1] ?? "");
          at += 2;
        } else {
          raw += char;
          at++;
        }
      }
      labels[labelName] = unescaped(raw, true, lineNumber, line);
      at++; // the closing quote
      if (line[at] === ",") at++;
      else if (line[at] !== "}") throw new ExpositionError(lineNumber, line, "expected , or }");
    }
    at++;
  }
  const rest = line.slice(at);
  const valueMatch = /^ (\S+)(?: (-?\d+))?$/.exec(rest);
  if (valueMatch === null) throw new ExpositionError(lineNumber, line, "expected ' VALUE [TIMESTAMP]'");
  const value = parseValue(valueMatch[1]!, lineNumber, line);
  return {
    name,
    labels,
    value,
    timestamp: valueMatch[2] === undefined ? undefined : Number(valueMatch[2]),
  };
}

function parseValue(text: string, lineNumber: number, line: string): number {
  if (text === "NaN") return Number.NaN;
  if (text === "+Inf" || text === "Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text))
    throw new ExpositionError(lineNumber, line, "bad value");
  return Number(text);
}

/** Label values escape \\, \" and \n; HELP escapes \\ and \n; any other escape is an error. */
function unescaped(raw: string, quotes: boolean, lineNumber: number, line: string): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i]!;
    if (char !== "\\") {
      if (char === "\n") throw new ExpositionError(lineNumber, line, "raw newline");
      out += char;
      continue;
    }
    const next = raw[++i];
    if (next === "\\") out += "\\";
    else if (next === "n") out += "\n";
    else if (next === '"' && quotes) out += '"';
    else throw new ExpositionError(lineNumber, line, `bad escape \\${next ?? ""}`);
  }
  return out;
}

/** The one sample of `name` with exactly `labels` (throws when there is none). */
export function sampleValue(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  const family = families.get(name);
  const wanted = JSON.stringify(Object.entries(labels).sort());
  const sample = family?.samples.find((s) => JSON.stringify(Object.entries(s.labels).sort()) === wanted);
  if (sample === undefined) throw new Error(`no sample ${name}${JSON.stringify(labels)}`);
  return sample.value;
}
