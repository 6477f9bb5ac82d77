/**
 * The queue-group rule itself (src/server/routing/groups.ts), pure: members whose pending output the test
 * sets, and a remote half that records what it is handed. The socket-level behaviour is in
 * queue-groups.test.ts and test/cluster/groups.test.ts.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Delivery } from "../../src/server/routing/delivery.js";
import { QueueGroups } from "../../src/server/routing/groups.js";
import type { GroupName, RemoteHalf, Subscriber } from "../../src/server/routing/interfaces.js";
import { SINGLE_NODE } from "../../src/server/routing/single-node.js";

const SLOW = 1000;

class Worker implements Subscriber {
  nick: string;
  isOpen = true;
  clustered = true;
  pendingBytes = 0;
  got = 0;
  constructor(nick: string) {
    this.nick = nick;
  }
  deliver(): void {}
  deliverRequest(): void {}
  deliverGroup(frames: Buffer, count: number): void {
    this.got += count;
    this.pendingBytes += frames.length;
  }
}

/** A remote half whose other nodes have the groups in `elsewhere`; it records what it is handed. */
function remoteWith(elsewhere: GroupName[], accepts: boolean) {
  const handed: Array<{ name: string; count: number }> = [];
  const grouped: string[] = [];
  const remote: RemoteHalf = {
    ...SINGLE_NODE,
    grouped: (pattern, name, on) => grouped.push(`${on ? "+" : "-"}${name} ${pattern}`),
    groupsElsewhere: () => new Set(elsewhere),
    toGroup: (name, _pattern, delivery, picked) => {
      if (accepts) handed.push({ name, count: picked?.length ?? delivery.count });
      return accepts;
    },
  };
  return { remote, handed, grouped };
}

function batch(count: number, topic = "jobs"): Delivery {
  const delivery = new Delivery(topic, "boss", false, undefined);
  for (let n = 0; n < count; n++) delivery.add([], Buffer.from(`m${n}`));
  return delivery;
}

describe("queue-group routing", () => {
  test("routing - members that keep up share a batch round robin; the remote half hears the first and last", () => {
    const { remote, handed, grouped } = remoteWith([], true);
    const groups = new QueueGroups(SLOW, remote);
    const workers = [new Worker("a"), new Worker("b"), new Worker("c")];
    for (const worker of workers) groups.join(worker, 1, "jobs", "w");
    groups.deliver(batch(10));
    assert.deepEqual(
      workers.map((worker) => worker.got),
      [4, 3, 3],
    );
    assert.equal(handed.length, 0, "nothing leaves the node while its members keep up");
    for (const worker of workers) groups.leave(worker, 1, "jobs", "w");
    assert.deepEqual(grouped, ["+w jobs", "-w jobs"]);
  });

  test("routing - when every local member is behind, another node gets the messages; with none, the least loaded", () => {
    const elsewhere = remoteWith([{ name: "w", pattern: "jobs" }], true);
    const groups = new QueueGroups(SLOW, elsewhere.remote);
    const [a, b] = [new Worker("a"), new Worker("b")];
    groups.join(a, 1, "jobs", "w");
    groups.join(b, 1, "jobs", "w");
    a.pendingBytes = SLOW;
    b.pendingBytes = SLOW + 500;
    groups.deliver(batch(6));
    assert.deepEqual(elsewhere.handed, [{ name: "w", count: 6 }]);
    assert.equal(a.got + b.got, 0);

    const alone = remoteWith([], false);
    const single = new QueueGroups(SLOW, alone.remote);
    single.join(a, 1, "jobs", "w");
    single.join(b, 1, "jobs", "w");
    single.deliver(batch(1));
    assert.deepEqual([a.got, b.got], [1, 0], "the least loaded member, not dropped");
  });

  test("routing - a member behind is skipped while another keeps up; closed members get nothing", () => {
    const { remote, handed } = remoteWith([{ name: "w", pattern: "jobs" }], true);
    const groups = new QueueGroups(SLOW, remote);
    const [slow, closed, fine] = [new Worker("slow"), new Worker("closed"), new Worker("fine")];
    for (const worker of [slow, closed, fine]) groups.join(worker, 1, "jobs", "w");
    slow.pendingBytes = SLOW;
    closed.isOpen = false;
    groups.deliver(batch(5));
    assert.deepEqual([slow.got, closed.got, fine.got], [0, 0, 5]);
    assert.equal(handed.length, 0, "local first while one keeps up");
  });

  test("routing - a batch handed over by another node stays here; groups only elsewhere get it from the publisher's node", () => {
    const { remote, handed } = remoteWith([{ name: "far", pattern: "jobs.>" }], true);
    const groups = new QueueGroups(SLOW, remote);
    const worker = new Worker("w");
    groups.join(worker, 1, "jobs.*", "w");
    worker.pendingBytes = SLOW * 10;
    groups.deliverHere("w", "jobs.*", batch(3, "jobs.x"));
    assert.equal(worker.got, 3, "given to the local member, behind or not");
    assert.equal(handed.length, 0, "never passed on");
    groups.deliverHere("nobody", "jobs.*", batch(3, "jobs.x"));
    groups.deliver(batch(2, "jobs.x"));
    assert.deepEqual(
      handed.map((entry) => entry.name),
      ["w", "far"],
      "the local group's share (its member is behind) and the group with no member here",
    );
  });
});
