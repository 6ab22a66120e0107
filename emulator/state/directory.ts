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
