import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MessagingHandler } from "../../src/server/messaging.js";
import { escapeLabelValue, renderMetrics } from "../../src/server/monitor/prometheus.js";
import { parseExposition, sampleValue } from "../helpers/prometheus.js";

describe("prometheus - the strict parser used by the /metrics tests", () => {
  const good = [
    "# HELP enchufe_x_total Some help with a \\\\ and a \\n.",
    "# TYPE enchufe_x_total counter",
    'enchufe_x_total{a="b",quote="say \\"hi\\"",nl="one\\ntwo"} 3',
    "enchufe_x_total 4 1700000000000",
    "# a plain comment",
    "# TYPE enchufe_g gauge",
    "enchufe_g -1.5e3",
    "",
  ].join("\n");

  test("prometheus - accepts a well-formed exposition and unescapes label values", () => {
    const families = parseExposition(good);
    assert.equal(sampleValue(families, "enchufe_x_total", { a: "b", quote: 'say "hi"', nl: "one\ntwo" }), 3);
    assert.equal(families.get("enchufe_x_total")?.help, "Some help with a \\ and a \n.");
    assert.equal(sampleValue(families, "enchufe_g"), -1500);
  });

  const bad: Record<string, string> = {
    "no final newline": "# TYPE a gauge\na 1",
    "sample before its TYPE": "a 1\n",
    "counter without _total": "# TYPE a counter\na 1\n",
    "bad value": "# TYPE a gauge\na one\n",
    "two spaces": "# TYPE a gauge\na  1\n",
    "unterminated label": '# TYPE a gauge\na{x="1} 1\n',
    "bad escape": '# TYPE a gauge\na{x="\\t"} 1\n',
    "unquoted label": "# TYPE a gauge\na{x=1} 1\n",
    "duplicate series": '# TYPE a gauge\na{x="1"} 1\na{x="1"} 2\n',
    "split family": "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n",
    "unknown type": "# TYPE a meter\na 1\n",
    "empty line": "# TYPE a gauge\n\na 1\n",
    "negative counter": "# TYPE a_total counter\na_total -1\n",
    "bad name": "# TYPE 1a gauge\n",
    "second TYPE": "# TYPE a gauge\n# TYPE a gauge\n",
    "trailing garbage": "# TYPE a gauge\na 1 2 3\n",
  };
  for (const [rule, text] of Object.entries(bad)) {
    test(`prometheus - rejects ${rule}`, () => {
      assert.throws(() => parseExposition(text));
    });
  }
});

describe("prometheus - renderMetrics", () => {
  test("prometheus - label values are escaped so that the parser reads them back", () => {
    assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
    const handler = new MessagingHandler({ lang: "en" });
    const stats = handler.stats();
    const strange = { ...stats, version: 'v"1\\\n2', disconnects: { 'odd"reason': 2 } };
    const families = parseExposition(renderMetrics(strange));
    assert.equal(sampleValue(families, "enchufe_info", { version: 'v"1\\\n2', cluster: "single" }), 1);
    assert.equal(sampleValue(families, "enchufe_disconnects_total", { reason: 'odd"reason' }), 2);
  });

  test("prometheus - the history: messages kept (with its epoch), bytes and the newest position", () => {
    const handler = new MessagingHandler({ lang: "en" });
    const stats = handler.stats();
    const kept = {
      ...stats,
      history: { ...stats.history, epoch: "9f2c4e0a1b3d5f67", messages: 42, bytes: 4096, position: 99 },
    };
    const families = parseExposition(renderMetrics(kept));
    const labels = { epoch: "9f2c4e0a1b3d5f67", shared: "false" };
    assert.equal(sampleValue(families, "enchufe_history_messages", labels), 42);
    assert.equal(sampleValue(families, "enchufe_history_bytes", {}), 4096);
    assert.equal(sampleValue(families, "enchufe_history_position", {}), 99);
  });
});
