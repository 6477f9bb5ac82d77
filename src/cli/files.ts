/** Reading the files named on the command line, with EFILE errors that name the file. */
import { readFile } from "node:fs/promises";
import { EnchufeError } from "../errors.js";

export async function readCliFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new EnchufeError("EFILE", `Cannot read ${path}: ${reason}`, {
      details: { path, reason },
      cause: error,
    });
  }
}
