// `node bench/in-process.mjs DIST...` (each a built checkout's dist/, e.g. dist /work/wt/base/dist): the framed
// session, router, history and codec of each build in one process, no sockets (a fake Connection counts the
// bytes written). MODE=fanout (default): one publisher sends CHUNKS chunks of PER PUBs of 64 B, one subscriber;
// MODE=text: the same as lines between two text users; MODE=request: CHUNKS chunks of PER pipelined REQs to the built-in echo handler;
// MODE=responder: the same REQs to a responder client, whose REQMSGs are answered by RESPONDs (built by this
// harness from the REQMSG bytes, the same work for every build) fed back in one chunk per REQ chunk. Prints CPU ns
// (process.cpuUsage) per message for each build: the median of ROUNDS rounds, the builds interleaved, so a
// busy machine touches each alike. Not part of `npm run bench`; it measures our JavaScript, not the kernel.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const dists = process.argv.slice(2);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const CHUNKS = Number(process.env.CHUNKS ?? 4000);
const PER_CHUNK = Number(process.env.PER ?? 32);
const MODE = process.env.MODE ?? "fanout";

class FakeConn {
  constructor(onWrite) {
    this.peer = { address: "127.0.0.1", port: 40000, encrypted: false };
    this.receiver = undefined;
    this.pendingBytes = 0;
    this.isClosed = false;
    this.onWrite = onWrite;
    this.bytes = 0;
  }
  write(b) {
    this.bytes += b.length;
    this.onWrite?.(b);
  }
  writeShared(b) {
    this.write(b);
  }
  whenDrained(t) {
    setImmediate(t);
  }
  cork() {}
  uncork() {}
  end() {
    this.isClosed = true;
  }
  destroy() {
    this.isClosed = true;
  }
}
const tick = () => new Promise((r) => setImmediate(r));

async function setup(dist) {
  const lib = await import(pathToFileURL(resolve(dist, "index.js")).href);
  const frames = await import(pathToFileURL(resolve(dist, "protocol/frames.js")).href);
  const enc = frames.encodeFrame;
  const handler = new lib.MessagingHandler({ lang: "en", floodBurstLines: 0 });
  let id = 0;
  /** A connection whose first bytes are `hello`: a framed client (preface and HELLO) or a text user (a line). */
  const connect = async (hello) => {
    const c = new FakeConn();
    handler.handle(c, {
      remoteAddress: "127.0.0.1",
      remotePort: 40000 + id,
      id: ++id,
      greeting: Buffer.from("hola\n"),
    });
    c.receiver.received(hello);
    for (let i = 0; i < 20; i++) await tick();
    return c;
  };
  const open = (name) =>
    connect(
      Buffer.concat([
        frames.PREFACE,
        enc({ type: "HELLO", version: 1, clientName: name, user: "", password: "", token: "" }),
      ]),
    );
  const person = (nick) => connect(Buffer.from(`/nick ${nick}\n`));
  const text = MODE === "text";
  const pub = text ? await person("pub") : await open("pub");
  const sub = text ? await person("sub") : await open("sub");
  const payload = Buffer.alloc(64, 0x61);
  let run;
  if (text) {
    const chunk = Buffer.from(`${"a".repeat(63)}\n`.repeat(PER_CHUNK));
    const copies = Array.from({ length: 64 }, () => Buffer.from(chunk));
    run = () => {
      for (let i = 0; i < CHUNKS; i++) pub.receiver.received(copies[i & 63]);
    };
    run.check = () => sub.bytes;
  } else if (MODE === "fanout") {
    sub.receiver.received(enc({ type: "SUB", sid: 1, pattern: "general", responder: false }));
    for (let i = 0; i < 5; i++) await tick();
    const one = enc({ type: "PUB", topic: "general", headers: [], payload });
    const chunk = Buffer.concat(Array.from({ length: PER_CHUNK }, () => one));
    const copies = Array.from({ length: 64 }, () => Buffer.from(chunk));
    run = () => {
      for (let i = 0; i < CHUNKS; i++) pub.receiver.received(copies[i & 63]);
    };
    run.check = () => sub.bytes;
  } else if (MODE === "responder") {
    // RESPONDs built from the REQMSGs written to the responder: token str, status 0, no headers, payload.
    const answers = Array.from({ length: 64 }, () => Buffer.alloc(PER_CHUNK * 256));
    let answer = answers[0];
    let answerAt = 0;
    let turn = 0;
    const resp = await open("resp");
    resp.onWrite = (b) => {
      let at = 0;
      while (at + 6 <= b.length) {
        const length = b.readUInt32BE(at + 2);
        if (b[at] === 0x08) {
          const body = at + 6;
          const tokenEnd = body + 2 + b.readUInt16BE(body);
          const nameEnd = tokenEnd + 2 + b.readUInt16BE(tokenEnd);
          const fromEnd = nameEnd + 2 + b.readUInt16BE(nameEnd);
          const payloadStart = fromEnd + 2;
          const end = body + length;
          const size = tokenEnd - body + 3 + end - payloadStart;
          answer[answerAt] = 0x09;
          answer[answerAt + 1] = 0;
          answer.writeUInt32BE(size, answerAt + 2);
          b.copy(answer, answerAt + 6, body, tokenEnd);
          let o = answerAt + 6 + tokenEnd - body;
          answer[o] = 0;
          answer[o + 1] = 0;
          answer[o + 2] = 0;
          o += 3;
          b.copy(answer, o, payloadStart, end);
          answerAt = o + end - payloadStart;
        }
        at += 6 + length;
      }
    };
    resp.receiver.received(enc({ type: "SUB", sid: 1, pattern: "svc", responder: true }));
    for (let i = 0; i < 5; i++) await tick();
    const reqs = Array.from({ length: PER_CHUNK }, (_, i) =>
      enc({ type: "REQ", reqId: i + 1, name: "svc", timeoutMs: 5000, headers: [], payload }),
    );
    const chunk = Buffer.concat(reqs);
    const copies = Array.from({ length: 64 }, () => Buffer.from(chunk));
    run = () => {
      for (let i = 0; i < CHUNKS; i++) {
        answer = answers[turn++ & 63];
        answerAt = 0;
        pub.receiver.received(copies[i & 63]);
        resp.receiver.received(answer.subarray(0, answerAt));
      }
    };
    run.check = () => pub.bytes;
  } else {
    const reqs = Array.from({ length: PER_CHUNK }, (_, i) =>
      enc({ type: "REQ", reqId: i + 1, name: "echo", timeoutMs: 5000, headers: [], payload }),
    );
    const chunk = Buffer.concat(reqs);
    const copies = Array.from({ length: 64 }, () => Buffer.from(chunk));
    run = () => {
      for (let i = 0; i < CHUNKS; i++) pub.receiver.received(copies[i & 63]);
    };
    run.check = () => pub.bytes;
  }
  return run;
}

const runs = [];
for (const d of dists) runs.push(await setup(d));
for (const r of runs) r(); // warm-up
const results = dists.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < runs.length; k++) {
    const before = process.cpuUsage();
    runs[k]();
    const used = process.cpuUsage(before);
    results[k].push(((used.user + used.system) * 1000) / (CHUNKS * PER_CHUNK));
    await tick();
  }
}
for (let k = 0; k < dists.length; k++) {
  const s = [...results[k]].sort((a, b) => a - b);
  console.log(
    `${MODE} ${dists[k]}: median ${s[Math.floor(s.length / 2)].toFixed(1)} ns/msg (min ${s[0].toFixed(1)}, max ${s[s.length - 1].toFixed(1)}); out ${runs[k].check()} B`,
  );
}
