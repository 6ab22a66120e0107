/**
 * Refreshes access tokens shortly before they expire: one account at a time, never in a loop
 * against LINE (security checklist §22): after a failure an account waits with exponential backoff,
 * and an `invalid_grant` (refresh token expired or revoked) stops it until the user signs in again.
 */
import type { LineAccounts } from './accounts';
import { isLineLoginError, type LineLoginErrorCode } from './errors';
import { accountId, type AccountKey, type Disposable, type TokenStore } from './tokenStore';
import type { TokenSet } from './types';

/** Refresh when less than this much of the access token's life is left (LINE's tokens live 30 days). */
export const REFRESH_AHEAD_MS = 24 * 60 * 60 * 1000;
export const FIRST_BACKOFF_MS = 60 * 1000;
export const MAX_BACKOFF_MS = 60 * 60 * 1000;
/** Timers are capped so a far expiry never overflows setTimeout and clock changes are noticed. */
const MAX_TIMER_MS = 60 * 60 * 1000;

export interface AutoRefreshEvent {
  account: AccountKey;
  ok: boolean;
  errorCode?: LineLoginErrorCode;
  /** When the next attempt for this account is due (epoch ms), after a failure. */
  retryAt?: number;
  stopped?: boolean;
}

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const NODE_TIMERS: Timers = {
  set: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clear: (handle) => {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

interface Backoff {
  failures: number;
  retryAt: number;
  /** Set after invalid_grant: no more attempts for this refresh token. */
  stoppedFor?: string;
}

/** When an account is due: REFRESH_AHEAD_MS before expiry, or its backoff time; undefined if never. */
export function refreshDueAt(tokenSet: TokenSet, backoff: Backoff | undefined): number | undefined {
  if (tokenSet.refreshToken === undefined) {
    return undefined;
  }
  if (backoff?.stoppedFor === tokenSet.refreshToken) {
    return undefined;
  }
  const due = tokenSet.accessTokenExpiresAt - REFRESH_AHEAD_MS;
  return backoff === undefined ? due : Math.max(due, backoff.retryAt);
}

export function backoffDelay(failures: number): number {
  return Math.min(FIRST_BACKOFF_MS * 2 ** Math.max(failures - 1, 0), MAX_BACKOFF_MS);
}

export class AutoRefresher implements Disposable {
  readonly #accounts: LineAccounts;
  readonly #store: TokenStore;
  readonly #now: () => number;
  readonly #timers: Timers;
  readonly #onEvent: (event: AutoRefreshEvent) => void;
  readonly #backoff = new Map<string, Backoff>();
  #timer: unknown;
  #running = false;
  #disposed = false;
  readonly #subscription: Disposable;

  constructor(options: {
    accounts: LineAccounts;
    store: TokenStore;
    now?: () => number;
    timers?: Timers;
    onEvent?: (event: AutoRefreshEvent) => void;
  }) {
    this.#accounts = options.accounts;
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
    this.#timers = options.timers ?? NODE_TIMERS;
    this.#onEvent = options.onEvent ?? (() => undefined);
    this.#subscription = this.#store.onDidChange(() => void this.schedule());
    void this.schedule();
  }

  /** Re-reads the store and sets one timer for the account due first. */
  async schedule(): Promise<void> {
    if (this.#disposed || this.#running) {
      return;
    }
    const tokenSets = await this.#store.list();
    const dueTimes = tokenSets
      .map((tokenSet) => refreshDueAt(tokenSet, this.#backoff.get(accountId(tokenSet))))
      .filter((due): due is number => due !== undefined);
    if (this.#timer !== undefined) {
      this.#timers.clear(this.#timer);
    }
    this.#timer = undefined;
    if (dueTimes.length === 0 || this.isDisposed()) {
      return;
    }
    const delay = Math.min(Math.max(Math.min(...dueTimes) - this.#now(), 0), MAX_TIMER_MS);
    this.#timer = this.#timers.set(() => void this.runDue(), delay);
  }

  /** Refreshes every due account, one after another. */
  async runDue(): Promise<void> {
    if (this.#running || this.#disposed) {
      return;
    }
    this.#running = true;
    this.#timer = undefined;
    try {
      for (const tokenSet of await this.#store.list()) {
        if (this.isDisposed()) {
          return;
        }
        const id = accountId(tokenSet);
        const due = refreshDueAt(tokenSet, this.#backoff.get(id));
        if (due === undefined || due > this.#now()) {
          continue;
        }
        const account = { channelId: tokenSet.channelId, userId: tokenSet.userId };
        try {
          await this.#accounts.refresh(account);
          this.#backoff.delete(id);
          this.#onEvent({ account, ok: true });
        } catch (error) {
          if (!isLineLoginError(error)) {
            throw error;
          }
          const failures = (this.#backoff.get(id)?.failures ?? 0) + 1;
          const backoff: Backoff = { failures, retryAt: this.#now() + backoffDelay(failures) };
          const stopped = error.code === 'ERR_LINE_INVALID_GRANT' || error.code === 'ERR_NO_REFRESH_TOKEN';
          if (stopped && tokenSet.refreshToken !== undefined) {
            backoff.stoppedFor = tokenSet.refreshToken;
          }
          this.#backoff.set(id, backoff);
          this.#onEvent(
            stopped
              ? { account, ok: false, errorCode: error.code, stopped: true }
              : { account, ok: false, errorCode: error.code, retryAt: backoff.retryAt },
          );
        }
      }
    } finally {
      this.#running = false;
    }
    await this.schedule();
  }

  /** A method, not the field: the flag can change while this object awaits the store or LINE. */
  isDisposed(): boolean {
    return this.#disposed;
  }

  dispose(): void {
    this.#disposed = true;
    this.#subscription.dispose();
    if (this.#timer !== undefined) {
      this.#timers.clear(this.#timer);
    }
    this.#timer = undefined;
  }
}
