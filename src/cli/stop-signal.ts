/** How `enchufe server` learns it should stop: SIGINT, SIGTERM, or (a worker) its primary gone. */

/**
 * Resolves when the process receives SIGINT or SIGTERM, with the signal's name. A worker also stops
 * when its primary is gone, and ignores the second signal (Ctrl+C reaches it and the primary forwards it).
 */
export function nextStopSignal(worker: boolean): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      process.off("disconnect", onDisconnect);
      if (worker) {
        process.on("SIGINT", ignoreSignal);
        process.on("SIGTERM", ignoreSignal);
      }
      resolve(signal);
    };
    const onDisconnect = () => onSignal("SIGTERM");
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    if (worker) process.on("disconnect", onDisconnect);
  });
}

function ignoreSignal(): void {}
