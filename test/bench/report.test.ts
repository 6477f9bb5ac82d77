/** The bench's report: medians and min–max over repetitions, the "vs enchufe" ratio, failed rows. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { LoadgenResult } from "../../bench/loadgen.js";
import { addRatios, makeRow, renderTables } from "../../bench/report.js";
import type { Sample } from "../../bench/runner.js";

function sample(rate: number, serverCpuS = 1): Sample {
  const result: LoadgenResult = {
    ok: true,
    mode: "fanout",
    proto: "text",
    subs: 10,
    pubs: 1,
    size: 64,
    window_s: 1,
    published: rate / 10,
    delivered: rate,
    publish_rate: rate / 10,
    delivered_rate: rate,
    latency_us: { count: rate, p50: 100, p99: 900, max: 2000, mean: 150 },
    sent_total: rate / 10,
    received_total: rate / 10,
    loss: 0,
    reorder: 0,
    gaps: 0,
    subs_with_loss: 0,
    subs_with_reorder: 0,
    connected: 11,
    closed_by_server: 0,
    errors: 0,
    loadgen_cpu_s: 0.5,
    loadgen_cpu_pct: 50,
  };
  return { result, serverCpuS, serverRss: 0, baselineRss: 0, machineCpuS: serverCpuS + 0.5 };
}

const base = { workload: "fanout", kind: "throughput", label: "S=10 64B", failures: [] } as const;

describe("bench report", () => {
  test("report - a row holds the median and the range of its repetitions", () => {
    const row = makeRow({ ...base, target: "nats", compareWith: "enchufe-framed" }, [
      sample(300),
      sample(100),
      sample(200),
    ]);
    assert.deepEqual(row.metrics.rate, { median: 200, min: 100, max: 300 });
    assert.equal(row.metrics.perServerCpuS?.median, 200);
    assert.equal(row.runs, 3);
  });

  test("report - an idle row has the RSS per connection all open and after the quiet hold", () => {
    const idle = (serverRss: number, settledRss: number): Sample => {
      const { result } = sample(0);
      return {
        ...sample(0),
        result: { ...result, connected: 1000 },
        serverRss,
        baselineRss: 1_000_000,
        settledRss,
      };
    };
    const row = makeRow(
      {
        workload: "idle",
        kind: "idle",
        label: "1000 connections",
        failures: [],
        target: "ref",
        compareWith: "enchufe-text",
      },
      [idle(6_000_000, 3_000_000), idle(5_000_000, 2_000_000)],
    );
    assert.deepEqual(row.metrics.rssPerConnection, { median: 4500, min: 4000, max: 5000 });
    assert.deepEqual(row.metrics.settledPerConnection, { median: 1500, min: 1000, max: 2000 });
    const table = renderTables([row]);
    assert.match(table, /after 25 s quiet/);
    assert.match(table, /\| 4\.4 KiB \(3\.9 KiB–4\.9 KiB\) \| – \| 1\.5 KiB \(1000 B–2\.0 KiB\) \|/);
  });

  test("report - ratios divide by the enchufe row each server is compared with", () => {
    const rows = [
      makeRow({ ...base, target: "enchufe-text", compareWith: "enchufe-text" }, [sample(100)]),
      makeRow({ ...base, target: "enchufe-framed", compareWith: "enchufe-framed" }, [sample(200)]),
      makeRow({ ...base, target: "ref", compareWith: "enchufe-text" }, [sample(300)]),
      makeRow({ ...base, target: "nats", compareWith: "enchufe-framed" }, [sample(300)]),
    ];
    addRatios(rows);
    assert.deepEqual(
      rows.map((row) => row.ratio),
      [1, 1, 3, 1.5],
    );
  });

  test("report - fanout-ws: the WebSocket row over its TCP row, per server CPU-second", () => {
    const ws = { ...base, workload: "fanout-ws", kind: "websocket" } as const;
    const rows = [
      makeRow({ ...ws, target: "enchufe-framed", compareWith: "enchufe-framed" }, [sample(1000, 1)]),
      // More delivered per second, but at twice the CPU: 0.75 of TCP's work per CPU-second.
      makeRow({ ...ws, target: "enchufe-ws-framed", compareWith: "enchufe-framed" }, [sample(1500, 2)]),
    ];
    addRatios(rows);
    assert.deepEqual(
      rows.map((row) => row.ratio),
      [1, 0.75],
    );
    const table = renderTables(rows);
    assert.match(table, /per CPU-s vs TCP/);
    assert.match(table, /\| S=10 64B \| enchufe-ws-framed \| 750 \| 0\.75× \|/);
  });

  test("report - a case that failed every time shows why instead of numbers", () => {
    const row = makeRow(
      { ...base, target: "ncat", compareWith: "enchufe-text", failures: ["ncat exited"] },
      [],
    );
    const table = renderTables([row]);
    assert.match(table, /\| S=10 64B \| ncat \| failed: ncat exited \|/);
  });
  test("report - restart: the start time, the log and what the server said it recovered", () => {
    const restart = {
      startMs: 2500,
      logBytes: 256 * 2 ** 20,
      records: 1_079_000,
      kept: 100_000,
      openMs: 2400,
    };
    const row = makeRow(
      {
        workload: "restart",
        kind: "restart",
        label: "256 MiB log",
        target: "enchufe-framed",
        compareWith: "enchufe-framed",
        failures: [],
      },
      [{ ...sample(0), restart }],
    );
    const table = renderTables([row]);
    assert.match(
      table,
      /\| 256 MiB log \| enchufe-framed \| 2\.50 s \| 256\.0 MiB \| 1\.08M \| 100k \| 2\.40 s \|/,
    );
  });
});
