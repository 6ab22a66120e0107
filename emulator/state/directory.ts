/** The channels and users the emulator knows: LINE's developer console and its user base, in memory. */

import type { EmulatorChannel, EmulatorUser } from '../types';

const USER_ID_PATTERN = /^U[0-9a-f]{32}$/;

export class Directory {
  readonly #channels = new Map<string, EmulatorChannel>();
  readonly #users = new Map<string, EmulatorUser>();

  addChannel(channel: EmulatorChannel): void {
    if (channel.channelId === '' || channel.channelSecret === '') {
      throw new TypeError('An emulator channel needs a channelId and a channelSecret.');
    }
    for (const url of channel.callbackUrls) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new TypeError(`Callback URL ${JSON.stringify(url)} is not an absolute URL.`);
      }
      // RFC 6749 §3.1.2: a redirection endpoint must not include a fragment.
      if (parsed.hash !== '' || url.includes('#')) {
        throw new TypeError(`Callback URL ${JSON.stringify(url)} must not have a fragment.`);
      }
    }
    this.#channels.set(channel.channelId, { ...channel, callbackUrls: [...channel.callbackUrls] });
  }

  addUser(user: EmulatorUser): void {
    if (!USER_ID_PATTERN.test(user.userId)) {
      throw new TypeError(`userId ${JSON.stringify(user.userId)} is not 'U' followed by 32 lower-case hex digits.`);
    }
    this.#users.set(user.userId, { ...user, ...(user.friendOf === undefined ? {} : { friendOf: [...user.friendOf] }) });
  }

  /**
   * Serves exactly these channels and users from now on (a reloaded configuration). All are checked
   * before anything changes, so a bad entry leaves the directory as it was.
   */
  replace(channels: readonly EmulatorChannel[], users: readonly EmulatorUser[]): void {
    const next = new Directory();
    for (const channel of channels) {
      next.addChannel(channel);
    }
    for (const user of users) {
      next.addUser(user);
    }
    this.#channels.clear();
    this.#users.clear();
    for (const [id, channel] of next.#channels) {
      this.#channels.set(id, channel);
    }
    for (const [id, user] of next.#users) {
      this.#users.set(id, user);
    }
  }

  /** "The user added (or unfriended) the channel's Official Account". */
  setFriendship(userId: string, channelId: string, friend: boolean): void {
    const user = this.#users.get(userId);
    if (user === undefined) {
      throw new Error(`Unknown user ${userId}.`);
    }
    if (!this.#channels.has(channelId)) {
      throw new Error(`Unknown channel ${channelId}.`);
    }
    const others = (user.friendOf ?? []).filter((id) => id !== channelId);
    user.friendOf = friend ? [...others, channelId] : others;
  }

  channels(): EmulatorChannel[] {
    return [...this.#channels.values()];
  }

  channel(channelId: string | undefined): EmulatorChannel | undefined {
    return channelId === undefined ? undefined : this.#channels.get(channelId);
  }

  hasChannel(channelId: string): boolean {
    return this.#channels.has(channelId);
  }

  user(userId: string | undefined): EmulatorUser | undefined {
    return userId === undefined ? undefined : this.#users.get(userId);
  }

  users(): EmulatorUser[] {
    return [...this.#users.values()];
  }

  /** The user a plain `autoApprove: true` logs in as. */
  firstUser(): EmulatorUser | undefined {
    return this.#users.values().next().value;
  }
}
