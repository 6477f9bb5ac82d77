/** The WELCOME a scripted test server sends (a real server's fields, small limits). */
import { encodeFrame } from "../../src/protocol/frames.js";

export function welcomeFrame(serverName: string): Buffer {
  return encodeFrame({
    type: "WELCOME",
    version: 1,
    clientId: "1",
    nick: "probe",
    serverName,
    maxPayload: 1024,
    maxPending: 1024 * 1024,
    pingIntervalMs: 0,
    idleTimeoutMs: 0,
  });
}
