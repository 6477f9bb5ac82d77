import assert from "node:assert/strict";
import { test } from "node:test";
import { TARGETS } from "../../bench/servers.js";
import { buildCases, PROFILES, WORKLOADS } from "../../bench/workloads.js";

test("workloads - WebSocket targets run only in the cases the load generator can drive over WebSocket (fanout-ws, idle)", () => {
  const cases = buildCases(PROFILES.quick, WORKLOADS);
  const websocket = TARGETS.filter((target) => target.websocket === true);
  assert.ok(websocket.length > 0);
  const ran = new Set<string>();
  for (const benchCase of cases) {
    for (const target of websocket) if (benchCase.accepts(target)) ran.add(benchCase.workload);
  }
  assert.deepEqual([...ran].sort(), ["fanout-ws", "idle"]);
});

test("workloads - JetStream (nats-js) runs only acknowledged publishes; the plain NATS target never does", () => {
  const cases = buildCases(PROFILES.quick, WORKLOADS);
  const ranOn = (name: string) => {
    const target = TARGETS.find((candidate) => candidate.name === name);
    assert.ok(target !== undefined, name);
    return [...new Set(cases.filter((benchCase) => benchCase.accepts(target)).map((c) => c.workload))].sort();
  };
  assert.deepEqual(ranOn("nats-js"), ["ack-publish"]);
  assert.ok(!ranOn("nats").includes("ack-publish"));
  assert.ok(ranOn("enchufe-framed").includes("ack-publish"));
});

test("workloads - --quick restarts from a smaller log than the full run's 1 GiB, and says its size in the row", () => {
  const labels = (profile: typeof PROFILES.quick) =>
    buildCases(profile, ["restart"]).map((benchCase) => benchCase.label);
  assert.deepEqual(labels(PROFILES.full), ["empty data directory", "1024 MiB log"]);
  assert.deepEqual(labels(PROFILES.quick), ["empty data directory", "256 MiB log"]);
});

test("workloads - the round-trip reference (ref-echo) runs only the requests the server answers itself", () => {
  const cases = buildCases(PROFILES.quick, WORKLOADS);
  const target = TARGETS.find((candidate) => candidate.name === "ref-echo");
  assert.ok(target !== undefined);
  const ran = cases.filter((benchCase) => benchCase.accepts(target)).map((c) => `${c.workload}: ${c.label}`);
  assert.deepEqual(ran, ["request: 1 in flight, server echo", "request: 64 pipelined, server echo"]);
});

test("workloads - a baseline build's target runs in exactly the cases of the target it is the twin of", () => {
  const cases = buildCases(PROFILES.quick, WORKLOADS);
  for (const target of TARGETS.filter((candidate) => candidate.server === "enchufe")) {
    const twin = { ...target, name: `${target.name}@baseline` };
    const ran = (t: typeof target) => cases.filter((benchCase) => benchCase.accepts(t)).map((c) => c.label);
    assert.deepEqual(ran(twin), ran(target), target.name);
  }
});
