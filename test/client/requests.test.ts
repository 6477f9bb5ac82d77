import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { describe, test } from "node:test";
import { RequestTable } from "../../src/client/requests.js";
import { EnchufeError, isEnchufeError } from "../../src/errors.js";
import { ReplyStatus } from "../../src/protocol/frames.js";

const OK_REPLY = {
  type: "REPLY",
  reqId: 7,
  status: ReplyStatus.OK,
  headers: [],
  payload: Buffer.from("hi"),
} as const;

describe("request table", () => {
  test("a REPLY settles its request once, and removes it and its abort listener", async () => {
    const table = new RequestTable();
    const abort = new AbortController();
    const request = table.add(7, "svc", 60_000, abort.signal);
    assert.equal(getEventListeners(abort.signal, "abort").length, 1);
    table.onReply(OK_REPLY);
    const reply = await request.promise;
    assert.equal(Buffer.from(reply.payload).toString(), "hi");
    assert.equal(table.get(7), undefined);
    assert.equal(getEventListeners(abort.signal, "abort").length, 0);
    // Later outcomes are ignored: the promise keeps its first value.
    request.settle(new EnchufeError("ECLOSED", "late"));
    abort.abort();
    assert.equal((await request.promise).status, ReplyStatus.OK);
  });

  test("aborting rejects with EABORTED; a non-OK REPLY maps its status to a code", async () => {
    const table = new RequestTable();
    const abort = new AbortController();
    const aborted = table.add(1, "svc.a", 60_000, abort.signal);
    abort.abort();
    await assert.rejects(aborted.promise, (e) => isEnchufeError(e, "EABORTED"));
    const none = table.add(2, "svc.b", 60_000);
    table.onReply({ ...OK_REPLY, reqId: 2, status: ReplyStatus.NO_RESPONDERS });
    await assert.rejects(none.promise, (e) => isEnchufeError(e, "ENORESPONDERS"));
  });

  test("failAll rejects every request in flight and empties the table", async () => {
    const table = new RequestTable();
    const first = table.add(1, "a", 60_000);
    const second = table.add(2, "b", 60_000);
    table.failAll(new EnchufeError("ECLOSED", "gone"));
    await assert.rejects(first.promise, (e) => isEnchufeError(e, "ECLOSED"));
    await assert.rejects(second.promise, (e) => isEnchufeError(e, "ECLOSED"));
    assert.deepEqual(table.inflight(), []);
  });
});
