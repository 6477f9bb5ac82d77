/** Assertions about the errors the library raises. */
import assert from "node:assert/strict";
import { EnchufeError } from "../../src/errors.js";

/** Resolves with the EnchufeError `promise` rejects with; fails the test if it resolves or rejects otherwise. */
export async function failure(promise: Promise<unknown>): Promise<EnchufeError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof EnchufeError, String(error));
    return error;
  }
  assert.fail("expected a rejection");
}
