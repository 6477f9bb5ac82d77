/**
 * A scripted framed server for client tests that need what a real enchufe server never sends (an ERR
 * naming a request id, a MSG over the announced limit). It greets, echoes the preface, answers HELLO
 * with WELCOME (the maxPayload the test chooses) and records every frame the client sends.
 */
import { once } from "node:events";
import net from "node:net";
import { findPrefaceEnd } from "../../src/protocol/detect.js";
import {
  encodeFrame,
  type Frame,
  FrameDecoder,
  PREFACE,
  PROTOCOL_VERSION,
} from "../../src/protocol/frames.js";
import { drain } from "../protocol/drain.js";

export interface FakeServer {
  readonly port: number;
  /** Frames received from the client, in order. */
  readonly frames: Frame[];
  /** Resolves with the first received frame (now or later) that matches. */
  nextFrame(predicate: (frame: Frame) => boolean): Promise<Frame>;
  /** Writes raw bytes to the (one) connected client. */
  send(bytes: Buffer): void;
  /** Destroys every client connection (the server keeps listening). */
  dropClients(): void;
  close(): Promise<void>;
}

/** `serverName` sets WELCOME's field (a long one makes a WELCOME over the pre-WELCOME frame limit). */
export async function startFakeServer(options: {
  maxPayload: number;
  serverName?: string;
}): Promise<FakeServer> {
  const frames: Frame[] = [];
  const waiters: { predicate: (frame: Frame) => boolean; resolve: (frame: Frame) => void }[] = [];
  const sockets = new Set<net.Socket>();
  let current: net.Socket | undefined;

  const received = (socket: net.Socket, frame: Frame) => {
    if (frame.type === "HELLO") {
      socket.write(
        encodeFrame({
          type: "WELCOME",
          version: PROTOCOL_VERSION,
          clientId: options.serverName ?? "1",
          nick: frame.clientName,
          serverName: options.serverName ?? "fake",
          maxPayload: options.maxPayload,
          maxPending: 1024 * 1024,
          pingIntervalMs: 0,
          idleTimeoutMs: 0,
        }),
      );
    } else if (frame.type === "PING") {
      socket.write(encodeFrame({ type: "PONG" }));
    }
    frames.push(frame);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.predicate(frame)) waiters.splice(i, 1)[0]!.resolve(frame);
    }
  };

  const server = net.createServer((socket) => {
    sockets.add(socket);
    current = socket;
    socket.setNoDelay(true);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    socket.write("fake greeting\n");
    let early: Buffer | undefined = Buffer.alloc(0);
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 * 1024 });
    socket.on("data", (chunk: Buffer) => {
      let data = chunk;
      if (early !== undefined) {
        data = Buffer.concat([early, chunk]);
        const end = findPrefaceEnd(data);
        if (end === -1) {
          early = data;
          return;
        }
        early = undefined;
        socket.write(PREFACE);
        data = data.subarray(end);
      }
      decoder.push(data);
      for (const frame of drain(decoder)) received(socket, frame);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as net.AddressInfo).port,
    frames,
    nextFrame(predicate) {
      const found = frames.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    send(bytes) {
      current?.write(bytes);
    },
    dropClients() {
      for (const socket of sockets) socket.destroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, "close");
    },
  };
}
