/** The remote half of a server without a cluster: nobody else to tell, answers from local knowledge. */
import type { GroupName, RemoteHalf, RoomCount } from "./interfaces.js";

const TRUE = Promise.resolve(true);
const FALSE = Promise.resolve(false);
const DONE = Promise.resolve();
const NO_GROUPS: ReadonlySet<GroupName> = new Set();

export const SINGLE_NODE: RemoteHalf = Object.freeze({
  guestTag: "",
  publish(): void {},
  claimNick: () => TRUE,
  claimGuest(): void {},
  changeNick: () => TRUE,
  releaseNick(): void {},
  joined(): void {},
  left(): void {},
  subscribed(): void {},
  direct: () => FALSE,
  who: (_room: string, local: string[]) => Promise.resolve(local),
  rooms: (local: RoomCount[]) => Promise.resolve(local),
  barrier: () => DONE,
  request: () => FALSE,
  grouped(): void {},
  groupsElsewhere: () => NO_GROUPS,
  toGroup: () => false,
});
