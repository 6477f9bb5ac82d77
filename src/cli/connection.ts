/** Turns the connection flags every messaging command shares into client options. */
import type { ClientOptionsInput } from "../client/options.js";
import type { Lang } from "../i18n/index.js";
import type { TraceEvent } from "../transport/trace.js";
import { CONNECTION_OPTIONS, numberValue, type ParsedOptions, portValue } from "./args.js";
import type { CliContext } from "./context.js";
import { traceLine } from "./output.js";

export { CONNECTION_OPTIONS };

/** Client options from --host, --port, --timeout and --trace. */
export function clientOptionsFrom(
  values: ParsedOptions<typeof CONNECTION_OPTIONS> & { trace?: boolean | undefined },
  ctx: CliContext,
  lang: Lang,
  name: string,
): ClientOptionsInput {
  return {
    host: values.host ?? "127.0.0.1",
    port: portValue(values.port, 5000, lang),
    timeoutMs: numberValue("timeout", values.timeout, 10, lang) * 1000,
    name,
    ...(values.trace === true
      ? { trace: (event: TraceEvent) => ctx.stderr.write(`${traceLine(lang, event)}\n`) }
      : {}),
  };
}
