/**
 * Calls back when a file changes on disk (debounced), for `enchufe server --users`: the users file is
 * written atomically (a temporary file renamed over it), so the folder is watched, not the file's inode.
 */
import { watch } from "node:fs";
import { basename, dirname } from "node:path";

/** Watches `path`; `onChange` runs once per burst of changes. Returns the function that stops watching. */
export function watchFile(path: string, onChange: () => void, debounceMs = 150): () => void {
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dirname(path), (_event, filename) => {
    if (filename !== null && filename.toString() !== name) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  watcher.on("error", () => {
    // The folder went away: nothing left to watch; SIGHUP still reloads.
  });
  watcher.unref();
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
