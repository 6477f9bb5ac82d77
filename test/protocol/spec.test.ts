import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { decodeFrameBody, encodeFrame, type Frame, FrameDecoder } from "../../src/protocol/frames.js";
import { drain } from "./drain.js";

/** The ```frame blocks of docs/PROTOCOL.md: a JSON frame (payload as UTF-8 text) and its hex bytes. */
function specExamples(): Array<{ frame: Frame; bytes: Buffer }> {
  const doc = readFileSync(new URL("../../docs/PROTOCOL.md", import.meta.url), "utf8");
  return [...doc.matchAll(/```frame\n(.+)\n([0-9a-f ]+)\n```/g)].map((match) => {
    const json = JSON.parse(match[1]!) as Record<string, unknown>;
    if (typeof json.payload === "string") json.payload = Buffer.from(json.payload, "utf8");
    return { frame: json as unknown as Frame, bytes: Buffer.from(match[2]!.replace(/ /g, ""), "hex") };
  });
}

test("spec - every frame type has a byte-level example in docs/PROTOCOL.md", () => {
  const types = new Set(specExamples().map((example) => example.frame.type));
  for (const type of [
    "HELLO",
    "WELCOME",
    "PUB",
    "MSG",
    "SUB",
    "UNSUB",
    "REQ",
    "REQMSG",
    "RESPOND",
    "REPLY",
    "DIRECT",
    "PING",
    "PONG",
    "ERR",
    "CLOSE",
    "GSUB",
    "GMSG",
    "APUB",
    "PUBACK",
    "PMSG",
    "RSUB",
    "HMSG",
    "REPLAYED",
  ]) {
    assert.ok(types.has(type as Frame["type"]), `no example for ${type}`);
  }
});

test("spec - encodeFrame produces exactly the documented bytes, and they decode back", () => {
  for (const { frame, bytes } of specExamples()) {
    assert.deepEqual(encodeFrame(frame).toString("hex"), bytes.toString("hex"), frame.type);
    assert.equal(decodeFrameBody(bytes[0]!, bytes[1]!, bytes.subarray(6)).type, frame.type);
    const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
    decoder.push(bytes);
    const frames = drain(decoder);
    assert.equal(frames.length, 1);
    assert.deepEqual(encodeFrame(frames[0]!), bytes);
  }
});

test("spec - the preface is 00 45 4E 43 and the tables name every frame type", async () => {
  const { PREFACE, FRAME_TYPES } = await import("../../src/protocol/frames.js");
  assert.equal(PREFACE.toString("hex"), "00454e43");
  const doc = readFileSync(new URL("../../docs/PROTOCOL.md", import.meta.url), "utf8");
  FRAME_TYPES.forEach((name, index) => {
    if (name === "") return;
    const hex = `0x${index.toString(16).toUpperCase().padStart(2, "0")}`;
    assert.match(doc, new RegExp(`\\| ${hex} \\| ${name} \\|`), `${hex} ${name}`);
  });
});
