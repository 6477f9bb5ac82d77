// enchufe for the text-mode benchmarks, through the public library API (dist/, built by `npm run bench`).
// Why not `enchufe server`: the text-mode flood guard (2000 lines at once, then 500 lines/s per connection,
// docs/PROTOCOL.md §6.6) has no CLI flag, and a benchmark publisher sends far more than that. Everything else
// is what `enchufe server --lang en --max-connections 0` with the per-address limits off would run: the same
// createServer + MessagingHandler, no security policy (the library default: no per-address or rate limits).
// Usage: node bench/enchufe-server.mjs PORT [DIST_INDEX] (default ../dist/index.js: this checkout's build).
// Prints "Listening on 127.0.0.1:PORT" once bound (port 0 = a free port).
import { pathToFileURL } from "node:url";

const port = Number(process.argv[2] ?? "0");
const distIndex =
  process.argv[3] === undefined
    ? new URL("../dist/index.js", import.meta.url)
    : pathToFileURL(process.argv[3]);
const { createServer, MessagingHandler, ORIGINAL_GREETING, resolveMessagingOptions } = await import(
  distIndex.href
);
const messaging = resolveMessagingOptions({
  greeting: ORIGINAL_GREETING,
  lang: "en",
  floodBurstLines: 0,
  maxConnections: 0,
});
const server = createServer({
  host: "127.0.0.1",
  port,
  mode: "session",
  handler: new MessagingHandler(messaging),
});
const bound = await server.listen();
process.stdout.write(`Listening on 127.0.0.1:${bound.port}\n`);
const stop = () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
