import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ERROR_CODES } from "../src/errors.js";
import { LANGS, t } from "../src/i18n/index.js";

test("docs/ERRORS.md lists exactly the codes in ERROR_CODES, with the same descriptions", () => {
  const doc = readFileSync(new URL("../docs/ERRORS.md", import.meta.url), "utf8");
  const rows = [...doc.matchAll(/^\| `(E[A-Z]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(Object.fromEntries(rows), { ...ERROR_CODES });
});

test("every error code has a localized text in every language", () => {
  for (const lang of LANGS) {
    for (const code of Object.keys(ERROR_CODES)) {
      const text = t(lang, `error.${code as keyof typeof ERROR_CODES}`);
      assert.notEqual(text, `error.${code}`, `${lang} ${code}`);
    }
  }
});
