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
