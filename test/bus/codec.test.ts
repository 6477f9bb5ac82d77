import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isEnchufeError } from "../../src/errors.js";
import {
  decodeNodeMessage,
  decodeTopicMessage,
  encodeDirect,
  encodeGroup,
  encodeReply,
  encodeRequest,
  encodeTopicMessage,
  KIND_DIRECT,
  KIND_GROUP,
  KIND_REPLY,
  KIND_REQUEST,
} from "../../src/server/bus/codec.js";

const binary = Buffer.from([0, 1, 2, 255, 13, 10, 0]);

describe("bus codec", () => {
  test("topic message - round-trips node id and binary frame", () => {
    const decoded = decodeTopicMessage(encodeTopicMessage(Buffer.from("node-1"), binary));
    assert.equal(decoded?.nodeId.toString(), "node-1");
    assert.deepEqual(decoded?.frame, binary);
  });

  test("node messages - direct, request and reply round-trip with UTF-8 and binary payloads", () => {
    assert.deepEqual(decodeNodeMessage(encodeDirect("Zoë", binary)), {
      kind: KIND_DIRECT,
      nick: "Zoë",
      frame: binary,
    });
    const request = {
      token: "t-1",
      name: "math.sum",
      from: "ana",
      replyNode: "node-a",
      headers: [["content-type", "application/json"] as const, ["ñ", "ü"] as const],
      payload: binary,
    };
    assert.deepEqual(decodeNodeMessage(encodeRequest(request)), { kind: KIND_REQUEST, request });
    assert.deepEqual(decodeNodeMessage(encodeReply("t-1", 3, [["x", "y"]], binary)), {
      kind: KIND_REPLY,
      token: "t-1",
      status: 3,
      headers: [["x", "y"]],
      payload: binary,
    });
  });

  test("node messages - a queue group's share round-trips; cut before its frames it decodes to undefined", () => {
    const whole = encodeGroup("workers-ñ", "jobs.*", binary);
    assert.deepEqual(decodeNodeMessage(whole), {
      kind: KIND_GROUP,
      name: "workers-ñ",
      pattern: "jobs.*",
      frame: binary,
    });
    for (let cut = 0; cut < whole.length - binary.length; cut++) {
      assert.equal(decodeNodeMessage(whole.subarray(0, cut)), undefined, `cut at ${cut}`);
    }
  });

  test("node messages - truncated or unknown input decodes to undefined, never throws", () => {
    const whole = encodeRequest({
      token: "t",
      name: "n",
      from: "f",
      replyNode: "r",
      headers: [["a", "b"]],
      payload: binary,
    });
    for (let cut = 0; cut < whole.length - binary.length; cut++) {
      assert.equal(decodeNodeMessage(whole.subarray(0, cut)), undefined, `cut at ${cut}`);
    }
    assert.equal(decodeNodeMessage(Buffer.from([99, 0, 0])), undefined);
    assert.equal(decodeTopicMessage(Buffer.from([5, 1])), undefined);
  });

  test("node messages - invalid UTF-8 in a str field decodes to undefined", () => {
    const direct = encodeDirect("ab", binary);
    // The nick's bytes sit after kind (1) and length (2): 0xff 0xfe is never UTF-8.
    direct[3] = 0xff;
    direct[4] = 0xfe;
    assert.equal(decodeNodeMessage(direct), undefined);
    const reply = encodeReply("tok", 0, [["key", "ñ"]], binary);
    // The header value's second byte (the continuation byte of ñ) becomes an ASCII byte.
    const valueStart = 1 + 2 + 3 + 2 + 2 + 2 + 3 + 2;
    assert.equal(reply[valueStart], 0xc3);
    reply[valueStart + 1] = 0x41;
    assert.equal(decodeNodeMessage(reply), undefined);
  });

  test("node messages - a str over 65535 bytes is refused with ETOOLARGE when encoding", () => {
    assert.throws(
      () => encodeDirect("x".repeat(0x10000), binary),
      (error) => isEnchufeError(error, "ETOOLARGE"),
    );
    assert.throws(
      () => encodeReply("t", 0, [["k", "ü".repeat(0x8000)]], binary),
      (error) => isEnchufeError(error, "ETOOLARGE"),
    );
  });
});
