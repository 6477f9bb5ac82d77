// The Node limit: the least a node:net server can do for the same workloads.
// `broadcast` forwards every incoming chunk to every other peer in one write (no parsing, no framing);
// `greet` writes a greeting and closes. Prints "listening 127.0.0.1:PORT" once bound (port 0 = free port).
import { createServer } from "node:net";

const mode = process.argv[2] ?? "broadcast";
const port = Number(process.argv[3] ?? "0");
const greeting = Buffer.from("Hola desde la referencia node:net\n");
const peers = new Set();

function onData(chunk) {
  for (const peer of peers) if (peer !== this) peer.write(chunk);
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
