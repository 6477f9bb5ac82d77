// The Node limit: the least a node:net server can do for the same workloads.
// `broadcast` forwards every incoming chunk to every other peer in one write (no parsing, no framing);
// `greet` writes a greeting and closes; `echo` answers RESP `ECHO` commands (what the load generator sends
// Redis in `request`), one write per chunk: the floor of a Node server's round trip.
// Prints "listening 127.0.0.1:PORT" once bound (port 0 = free port).
import { createServer } from "node:net";

const mode = process.argv[2] ?? "broadcast";
const port = Number(process.argv[3] ?? "0");
const greeting = Buffer.from("Hola desde la referencia node:net\n");
const peers = new Set();

function onData(chunk) {
  for (const peer of peers) if (peer !== this) peer.write(chunk);
}
/**
 * `*2\r\n$4\r\nECHO\r\n$N\r\n<N bytes>\r\n` -> `$N\r\n<N bytes>\r\n` (an inline command, PING, -> `+PONG`): the replies of the whole commands in
 * `chunk` (after what an earlier chunk left), written at once; a cut command waits for the next chunk.
 */
const PONG = Buffer.from("+PONG\r\n");
function onEcho(chunk) {
  const data = this.rest === undefined ? chunk : Buffer.concat([this.rest, chunk]);
  this.rest = undefined;
  const replies = [];
  let at = 0;
  while (at < data.length) {
    if (data[at] !== 42) {
      // An inline command (the load generator's first PING): +PONG.
      const lineEnd = data.indexOf(10, at);
      if (lineEnd < 0) break;
      replies.push(PONG);
      at = lineEnd + 1;
      continue;
    }
    // The argument's `$`: after "*2\r\n$4\r\nECHO\r\n" (14 bytes).
    const dollar = at + 14;
    const lengthEnd = data.indexOf(13, dollar);
    if (lengthEnd < 0) break;
    let length = 0;
    for (let i = dollar + 1; i < lengthEnd; i++) length = length * 10 + data[i] - 48;
    const end = lengthEnd + 2 + length + 2;
    if (end > data.length) break;
    replies.push(data.subarray(dollar, end));
    at = end;
  }
  if (at < data.length) this.rest = data.subarray(at);
  if (replies.length === 1) this.write(replies[0]);
  else if (replies.length > 1) this.write(Buffer.concat(replies));
}
function onClose() {
  peers.delete(this);
}
function onError() {
  this.destroy();
}

const server = createServer({ noDelay: true }, (socket) => {
  socket.on("error", onError);
  if (mode === "greet") {
    socket.end(greeting);
    return;
  }
  if (mode === "echo") {
    socket.on("data", onEcho);
    return;
  }
  peers.add(socket);
  socket.on("data", onData);
  socket.on("close", onClose);
});
server.maxConnections = 100_000;
server.listen(port, "127.0.0.1", 2048, () => {
  const address = server.address();
  process.stdout.write(`listening 127.0.0.1:${address.port}\n`);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
