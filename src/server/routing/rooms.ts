/**
 * Text rooms: who is in which room on this node, and the presence events sent to the others in it.
 * A member that is not clustered yet (a connection that has sent nothing) is in its room locally only.
 */
import type { Delivery } from "./delivery.js";
import type { RemoteHalf, RoomEvent, RoomMember } from "./interfaces.js";

export class Rooms {
  readonly #rooms = new Map<string, Set<RoomMember>>();
  readonly #remote: RemoteHalf;

  constructor(remote: RemoteHalf) {
    this.#remote = remote;
  }

  members(room: string): ReadonlySet<RoomMember> | undefined {
    return this.#rooms.get(room);
  }

  /** The first member of the batch's room that will get it (not its sender) renders it now (Member.prepare). */
  prepare(delivery: Delivery): void {
    const members = this.#rooms.get(delivery.topic);
    if (members === undefined) return;
    for (const member of members) {
      if (member === delivery.sender) continue;
      member.prepare?.(delivery);
      return;
    }
  }

  join(member: RoomMember, room: string, announce: boolean): void {
    let members = this.#rooms.get(room);
    if (members === undefined) {
      members = new Set();
      this.#rooms.set(room, members);
    }
    if (announce) this.tell({ kind: "join", room, nick: member.nick }, member);
    members.add(member);
    if (member.clustered) this.#remote.joined(room, member.nick, announce);
  }

  leave(member: RoomMember, room: string, announce: boolean): void {
    const members = this.#rooms.get(room);
    if (members === undefined || !members.delete(member)) return;
    if (member.clustered) this.#remote.left(room, member.nick, announce);
    if (members.size === 0) this.#rooms.delete(room);
    else if (announce) this.tell({ kind: "leave", room, nick: member.nick });
  }

  /** The other nodes learn that `member` is in its room (silently: it has said nothing yet). */
  cluster(member: RoomMember): void {
    const room = member.room;
    if (room !== undefined && this.#rooms.get(room)?.has(member) === true)
      this.#remote.joined(room, member.nick, false);
  }

  /** Tells every member of the event's room except `except`. */
  tell(event: RoomEvent, except?: RoomMember): void {
    const members = this.#rooms.get(event.room);
    if (members === undefined) return;
    for (const member of members) if (member !== except) member.roomEvent(event);
  }

  /** The nicknames in `room` on this node, sorted. */
  nicks(room: string): string[] {
    const members = this.#rooms.get(room);
    return members === undefined ? [] : [...members].map((member) => member.nick).sort();
  }

  names(): string[] {
    return [...this.#rooms.keys()].sort();
  }
}
