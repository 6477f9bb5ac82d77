/**
 * What one node knows about itself: its nicknames, who is in which room, its interest patterns and
 * responders. Both buses keep it: the MemoryBus answers from it, the RedisBus re-registers it after
 * an outage and falls back to it while Redis is away. Pure data, no I/O.
 */
export class LocalState {
  /** Lower-cased nickname -> nickname as the user wrote it. */
  readonly nicks = new Map<string, string>();
  /** Room -> nicknames present on this node. */
  readonly rooms = new Map<string, Set<string>>();
  readonly interest = new Set<string>();
  readonly responders = new Set<string>();
  /** Queue groups with members here, as `name\npattern`. */
  readonly groups = new Set<string>();

  hasNick(nick: string): boolean {
    return this.nicks.has(nick.toLowerCase());
  }

  addNick(nick: string): void {
    this.nicks.set(nick.toLowerCase(), nick);
  }

  removeNick(nick: string): void {
    this.nicks.delete(nick.toLowerCase());
  }

  /** Records a join or leave; returns false when nothing changed. */
  setPresence(room: string, nick: string, present: boolean): boolean {
    let members = this.rooms.get(room);
    if (present) {
      if (members === undefined) {
        members = new Set();
        this.rooms.set(room, members);
      }
      if (members.has(nick)) return false;
      members.add(nick);
      return true;
    }
    if (members === undefined || !members.delete(nick)) return false;
    if (members.size === 0) this.rooms.delete(room);
    return true;
  }

  /** The rooms `nick` is in on this node. */
  roomsOf(nick: string): string[] {
    const found: string[] = [];
    for (const [room, members] of this.rooms) if (members.has(nick)) found.push(room);
    return found;
  }

  who(room: string): string[] {
    return [...(this.rooms.get(room) ?? [])].sort();
  }

  roomList(): Array<{ room: string; members: number }> {
    return [...this.rooms]
      .map(([room, members]) => ({ room, members: members.size }))
      .sort((a, b) => (a.room < b.room ? -1 : a.room > b.room ? 1 : 0));
  }
}
