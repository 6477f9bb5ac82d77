/**
 * The server's pending table (src/server/routing/requests.ts), pure: numeric tokens in a ring with an
 * overflow map. A property test holds it to a plain Map of the same requests (the general model): every
 * request is answered once, with its reqId, whatever the order, and a wrong or repeated token is refused.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { ReplyStatus } from "../../src/protocol/frames.js";
import { tokenText } from "../../src/protocol/tokens.js";
import type { Requester, Subscriber } from "../../src/server/routing/interfaces.js";
import { Requests } from "../../src/server/routing/requests.js";
import { SINGLE_NODE } from "../../src/server/routing/single-node.js";

class Responder implements Subscriber {
  nick = "resp";
  isOpen = true;
  clustered = true;
  pendingBytes = 0;
  readonly tokens: number[] = [];
  deliver(): void {}
  deliverGroup(): void {}
  deliverRequest(token: number): void {
    this.tokens.push(token);
  }
}

class Asker implements Requester {
  nick = "ask";
  readonly replies: Array<[number, number]> = [];
  reply(reqId: number, status: number): void {
    this.replies.push([reqId, status]);
  }
}

function table(): Requests {
  return new Requests({ get: () => undefined, changes: 0 }, SINGLE_NODE, {
    defaultTimeoutMs: 60_000,
    maxTimeoutMs: 60_000,
    skipSlowBytes: Number.MAX_SAFE_INTEGER,
  });
}

const NONE = new Uint8Array(0);

describe("request table", () => {
  test("property: answered in any order, past the ring's slots, each request gets its one reply", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12_000 }),
        fc.array(fc.nat(), { maxLength: 200 }),
        fc.boolean(),
        (count, swaps, overlap) => {
          const requests = table();
          const responder = new Responder();
          const asker = new Asker();
          requests.addResponder("svc", responder);
          // The model: token -> reqId, a plain Map.
          const model = new Map<number, number>();
          const order: number[] = [];
          for (let reqId = 1; reqId <= count; reqId++) {
            requests.route(asker, reqId, "svc", 0, [], NONE);
            const token = responder.tokens.at(-1)!;
            assert.equal(model.has(token), false, "a token is never given twice while it waits");
            model.set(token, reqId);
            order.push(token);
            // Some answered at once, like a quick responder, the rest left waiting.
            if (overlap && reqId % 3 === 0) order.push(order.shift()!);
          }
          for (const swap of swaps) {
            const a = swap % order.length;
            const b = Math.floor(swap / 7) % order.length;
            [order[a], order[b]] = [order[b]!, order[a]!];
          }
          for (const token of order) {
            assert.equal(requests.settle(token, ReplyStatus.OK, [], NONE, responder), true);
            assert.equal(requests.settle(token, ReplyStatus.OK, [], NONE, responder), false);
            assert.deepEqual(asker.replies.at(-1), [model.get(token), ReplyStatus.OK]);
          }
          assert.equal(asker.replies.length, count);
          assert.deepEqual(new Set(asker.replies.map(([reqId]) => reqId)).size, count);
          requests.clear();
        },
      ),
      { numRuns: 40 },
    );
  });

  test("a token that is not waiting, not canonical or not that responder's is refused", () => {
    const requests = table();
    const responder = new Responder();
    const other = new Responder();
    const asker = new Asker();
    requests.addResponder("svc", responder);
    requests.route(asker, 7, "svc", 0, [], NONE);
    const token = responder.tokens[0]!;
    assert.equal(requests.settle(token + 4096, ReplyStatus.OK, [], NONE, responder), false);
    assert.equal(requests.settle(-1, ReplyStatus.OK, [], NONE, responder), false);
    assert.equal(requests.settle(0, ReplyStatus.OK, [], NONE, responder), false);
    assert.equal(requests.settle(token, ReplyStatus.OK, [], NONE, other), false);
    assert.equal(requests.settleText(`0${tokenText(token)}`, ReplyStatus.OK, [], NONE), false);
    assert.equal(requests.settleText(tokenText(token), ReplyStatus.OK, [], NONE), true);
    assert.deepEqual(asker.replies, [[7, ReplyStatus.OK]]);
    requests.clear();
  });

  test("a responder that leaves: its requests in the ring and in the overflow get NO_RESPONDERS", () => {
    const requests = table();
    const responder = new Responder();
    const asker = new Asker();
    requests.addResponder("svc", responder);
    for (let reqId = 1; reqId <= 10_000; reqId++) requests.route(asker, reqId, "svc", 0, [], NONE);
    requests.responderGone(responder);
    assert.equal(asker.replies.length, 10_000);
    assert.ok(asker.replies.every(([, status]) => status === ReplyStatus.NO_RESPONDERS));
    assert.equal(requests.settle(responder.tokens[0]!, ReplyStatus.OK, [], NONE, responder), false);
    requests.clear();
  });

  test("responders in turn, as they come and go between requests of one name (the matched list is not stale)", async () => {
    const requests = table();
    const asker = new Asker();
    const [ana, bea, cruz] = [new Responder(), new Responder(), new Responder()];
    const route = (count: number) => {
      for (let i = 0; i < count; i++) requests.route(asker, i + 1, "svc.a", 0, [], NONE);
    };
    const counts = () => [ana, bea, cruz].map((responder) => responder.tokens.length);
    requests.addResponder("svc.a", ana);
    route(4);
    assert.deepEqual(counts(), [4, 0, 0]);
    requests.addResponder("svc.*", bea);
    route(4);
    assert.deepEqual(counts(), [6, 2, 0]);
    requests.addResponder("svc.>", cruz);
    requests.route(asker, 99, "svc.b", 0, [], NONE); // another name: only the wildcards match
    route(6);
    // Six of svc.a among three responders in turn: two each (and svc.b's one went to bea or cruz).
    const [a, b, c] = counts();
    assert.equal(a, 6 + 2);
    assert.equal(b! + c!, 2 + 2 + 2 + 1);
    assert.ok(b! >= 2 + 2 && c! >= 2, `${b}, ${c}`);
    requests.removeResponder("svc.a", ana);
    const before = ana.tokens.length;
    route(4);
    assert.equal(ana.tokens.length, before, "a responder that left gets no more");
    requests.removeResponder("svc.*", bea);
    requests.removeResponder("svc.>", cruz);
    requests.route(asker, 100, "svc.a", 0, [], NONE);
    // No responder left: the other nodes are asked (none here), the answer comes once that settles.
    await new Promise(setImmediate);
    assert.deepEqual(asker.replies.at(-1), [100, ReplyStatus.NO_RESPONDERS]);
    requests.clear();
  });
});
