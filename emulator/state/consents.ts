/** What each user has allowed each channel, and which browser is logged in as whom. */

import { parseCookies } from '../http';
import type { EmulatorUser } from '../types';
import type { Directory } from './directory';
import { randomUrlSafe } from './randomValues';
import type { Scope } from './scopes';

export class Consents {
  /** `${channelId}\n${userId}` → consented scopes. */
  readonly #granted = new Map<string, Set<Scope>>();

  record(channelId: string, userId: string, scopes: readonly Scope[]): void {
    const key = `${channelId}\n${userId}`;
    const granted = this.#granted.get(key) ?? new Set<Scope>();
    for (const scope of scopes) {
      granted.add(scope);
    }
    this.#granted.set(key, granted);
  }

  has(channelId: string, userId: string, scopes: readonly Scope[]): boolean {
    const granted = this.#granted.get(`${channelId}\n${userId}`);
    return granted !== undefined && scopes.every((scope) => granted.has(scope));
  }

  /** Keeps the consents of the channel and user pairs for which `keep` holds. */
  retain(keep: (channelId: string, userId: string) => boolean): void {
    for (const key of this.#granted.keys()) {
      const [channelId = '', userId = ''] = key.split('\n');
      if (!keep(channelId, userId)) {
        this.#granted.delete(key);
      }
    }
  }

  /** The app no longer holds the user's permission: the next login asks again. */
  withdraw(channelId: string, userId: string): void {
    this.#granted.delete(`${channelId}\n${userId}`);
  }
}

const SESSION_COOKIE = 'line_emulator_session';

/** The emulator's stand-in for being logged in to LINE in a browser: session cookie → userId. */
export class Sessions {
  readonly #sessions = new Map<string, string>();

  constructor(private readonly directory: Directory) {}

  /** Starts a session and returns its Set-Cookie header value. */
  start(userId: string): string {
    const session = randomUrlSafe(32);
    this.#sessions.set(session, userId);
    return `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax`;
  }

  userOf(cookieHeader: string | undefined): EmulatorUser | undefined {
    const session = parseCookies(cookieHeader).get(SESSION_COOKIE);
    return this.directory.user(session === undefined ? undefined : this.#sessions.get(session));
  }
}
