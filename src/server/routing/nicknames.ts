/**
 * The nickname registry: one member per nickname on this node (compared case-insensitively), guest
 * names for those who ask for none or for a taken one, and the cluster-wide claim through the remote half.
 */
import { nickKey } from "../../protocol/names.js";
import type { Member, RemoteHalf } from "./interfaces.js";

export class Nicknames {
  readonly #byKey = new Map<string, Member>();
  readonly #remote: RemoteHalf;
  readonly #guestPrefix: string;
  #guests = 0;

  constructor(remote: RemoteHalf, guestPrefix: string) {
    this.#remote = remote;
    this.#guestPrefix = guestPrefix;
  }

  find(nick: string): Member | undefined {
    return this.#byKey.get(nickKey(nick));
  }

  /**
   * Gives `member` a fresh guest nickname on this node. The other nodes hear of it only when the
   * member is clustered (a program's connection never shows up as a text guest anywhere else).
   */
  registerGuest(member: Member): string {
    const tag = this.#remote.guestTag === "" ? "" : `${this.#remote.guestTag}-`;
    let nick: string;
    do nick = `${this.#guestPrefix}-${tag}${++this.#guests}`;
    while (this.#byKey.has(nickKey(nick)));
    member.nick = nick;
    this.#byKey.set(nickKey(nick), member);
    if (member.clustered) this.#remote.claimGuest(nick);
    return nick;
  }

  /** Gives `member` the nickname `wanted` when it is free on every node, else a guest nickname; clusters it. */
  async register(member: Member, wanted: string | undefined): Promise<string> {
    member.clustered = true;
    if (wanted === undefined || this.#byKey.has(nickKey(wanted))) return this.registerGuest(member);
    const claimed = await this.#remote.claimNick(wanted);
    const usable = claimed && !this.#byKey.has(nickKey(wanted));
    if (claimed && (!usable || !member.isOpen)) this.#remote.releaseNick(wanted);
    if (!member.isOpen) return member.nick; // gone meanwhile: nothing to register
    if (!usable) return this.registerGuest(member);
    member.nick = wanted;
    this.#byKey.set(nickKey(wanted), member);
    return wanted;
  }

  /** The other nodes learn a member registered locally so far (its guest nickname). */
  cluster(member: Member): void {
    if (this.#byKey.get(nickKey(member.nick)) === member) this.#remote.claimGuest(member.nick);
  }

  /** Changes a nickname (the caller checked its rule); false when another member holds it anywhere. */
  async rename(member: Member, nick: string): Promise<boolean> {
    const holder = this.#byKey.get(nickKey(nick));
    if (holder !== undefined && holder !== member) return false;
    const old = member.nick;
    if (!(await this.#remote.changeNick(old, nick))) return false;
    const now = this.#byKey.get(nickKey(nick));
    if (!member.isOpen || (now !== undefined && now !== member)) {
      if (nickKey(old) !== nickKey(nick)) this.#remote.releaseNick(nick);
      return false;
    }
    if (this.#byKey.get(nickKey(old)) === member) this.#byKey.delete(nickKey(old));
    member.nick = nick;
    this.#byKey.set(nickKey(nick), member);
    return true;
  }

  unregister(member: Member): void {
    const key = nickKey(member.nick);
    if (this.#byKey.get(key) !== member) return;
    this.#byKey.delete(key);
    if (member.clustered) this.#remote.releaseNick(member.nick);
  }
}
