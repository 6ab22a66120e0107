/**
 * Refreshes access tokens before they expire, without ever hammering LINE (docs/security.md §20, §22):
 * - an account is due when less than a day, or half of its token's life, is left;
 * - never more than one refresh per account per {@link MIN_REFRESH_INTERVAL_MS}, whatever `expires_in`
 *   says: counted from this window's last attempt and from the last refresh any window stored;
 * - after a failure it waits with exponential backoff, at least as long as a 429's Retry-After;
 * - `invalid_grant` (refresh token expired or revoked) stops the account until it signs in again,
 *   reported once;
 * - every failure, coded or not (a store that cannot be read or written), is caught, reported and
 *   rescheduled: nothing here ends as an unhandled rejection;
 * - only epoch times from the injected clock decide what is due, so a timer that fires hours late
 *   (the machine slept) refreshes each due account once, and one that fires early does nothing.
 */
import type { LineAccounts } from './accounts';
import { LineApiError, isLineLoginError, type LineLoginErrorCode } from './errors';
import { accountId, type AccountKey, type Disposable, type TokenStore } from './tokenStore';
import type { TokenSet } from './types';

/** Refresh when less than this much of the access token's life is left (LINE's tokens live 30 days). */
export const REFRESH_AHEAD_MS = 24 * 60 * 60 * 1000;
export const MIN_REFRESH_INTERVAL_MS = 10 * 60 * 1000;
export const MAX_BACKOFF_MS = 60 * 60 * 1000;
/** A Retry-After is honoured up to this long; beyond it the token would expire unrefreshed anyway. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;
/**
 * Timers are capped so a far expiry never overflows setTimeout, and because monotonic timers stand
 * still while the machine sleeps: after waking, the next look at the clock is at most this far away.
 */
export const MAX_TIMER_MS = 15 * 60 * 1000;

export interface AutoRefreshEvent {
  account: AccountKey;
  ok: boolean;
  /** The code of a failure; absent for a failure that is not a LineLoginError. */
  errorCode?: LineLoginErrorCode;
  /** The failure's message (a LineLoginError's carries no secret; the caller's log redacts anyway). */
  errorMessage?: string;
  /** When the next attempt for this account is due (epoch ms), after a failure. */
  retryAt?: number;
  stopped?: boolean;
}

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export type AutoRefreshLog = (level: 'info' | 'warn', message: string) => void;

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

/** What this window remembers about one account between attempts. */
export interface AccountRefreshState {
  /** Consecutive failures since the last success. */
  failures: number;
  /** No attempt before this (epoch ms): backoff and Retry-After. */
  retryAt?: number;
  lastAttemptAt?: number;
  /** Set after invalid_grant: no more attempts with this refresh token. */
  stoppedFor?: string;
}

/** When an account is next due (epoch ms), or undefined when it is never refreshed automatically. */
export function refreshDueAt(
  tokenSet: TokenSet,
  state: AccountRefreshState | undefined,
  now: number,
): number | undefined {
  if (tokenSet.refreshToken === undefined || state?.stoppedFor === tokenSet.refreshToken) {
    return undefined;
  }
  // A damaged stored set must not turn into a due time of NaN, which setTimeout reads as "now".
  if (!Number.isFinite(tokenSet.accessTokenExpiresAt) || !Number.isFinite(tokenSet.accessTokenIssuedAt)) {
    return undefined;
  }
  const lifetime = Math.max(tokenSet.accessTokenExpiresAt - tokenSet.accessTokenIssuedAt, 0);
  const due = tokenSet.accessTokenExpiresAt - Math.min(REFRESH_AHEAD_MS, lifetime / 2);
  // A stored set whose access token is newer than the sign-in was refreshed, by any window. A time in
  // the future (a clock set back) must not postpone refreshing indefinitely.
  const lastStoredRefresh =
    tokenSet.accessTokenIssuedAt > tokenSet.originalIssuedAt ? Math.min(tokenSet.accessTokenIssuedAt, now) : -Infinity;
  const lastAttempt = Math.min(state?.lastAttemptAt ?? -Infinity, now);
  return Math.max(
    due,
    lastStoredRefresh + MIN_REFRESH_INTERVAL_MS,
    lastAttempt + MIN_REFRESH_INTERVAL_MS,
    state?.retryAt ?? -Infinity,
  );
}

/** 10 min, 20 min, 40 min, then hourly. */
export function backoffDelay(failures: number): number {
  return Math.min(MIN_REFRESH_INTERVAL_MS * 2 ** Math.max(failures - 1, 0), MAX_BACKOFF_MS);
}

/** How long LINE asked us to wait (a 429's Retry-After), capped; 0 when it did not say. */
export function retryAfterMs(error: unknown): number {
  if (!(error instanceof LineApiError) || error.details.retryAfterSeconds === undefined) {
    return 0;
  }
  return Math.min(Math.max(error.details.retryAfterSeconds, 0) * 1000, MAX_RETRY_AFTER_MS);
}

function describe(error: unknown): { errorCode?: LineLoginErrorCode; errorMessage: string } {
  if (isLineLoginError(error)) {
    return { errorCode: error.code, errorMessage: error.message };
  }
  return { errorMessage: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

export class AutoRefresher implements Disposable {
  readonly #accounts: Pick<LineAccounts, 'refresh'>;
  readonly #store: TokenStore;
  readonly #now: () => number;
  readonly #timers: Timers;
  readonly #onEvent: (event: AutoRefreshEvent) => void;
  readonly #log: AutoRefreshLog;
  readonly #states = new Map<string, AccountRefreshState>();
  /** Consecutive failures to read the store, for its own backoff. */
  #storeFailures = 0;
  #timer: unknown;
  #running = false;
  #disposed = false;
  readonly #subscription: Disposable;

  constructor(options: {
    accounts: Pick<LineAccounts, 'refresh'>;
    store: TokenStore;
    now?: () => number;
    timers?: Timers;
    onEvent?: (event: AutoRefreshEvent) => void;
    /** English lines for the log; the caller's logger redacts them. */
    log?: AutoRefreshLog;
  }) {
    this.#accounts = options.accounts;
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
    this.#timers = options.timers ?? NODE_TIMERS;
    this.#onEvent = options.onEvent ?? (() => undefined);
    this.#log = options.log ?? (() => undefined);
    this.#subscription = this.#store.onDidChange(() => void this.schedule());
    void this.schedule();
  }

  /** Re-reads the store and sets one timer for the account due first. Never rejects. */
  async schedule(): Promise<void> {
    if (this.#disposed || this.#running) {
      return;
    }
    let tokenSets: TokenSet[];
    try {
      tokenSets = await this.#store.list();
      this.#storeFailures = 0;
    } catch (error) {
      this.#storeUnreadable(error);
      return;
    }
    // Either may have changed while the store was read.
    if (this.isDisposed() || this.isRunning()) {
      return;
    }
    const now = this.#now();
    const dueTimes = tokenSets
      .map((tokenSet) => refreshDueAt(tokenSet, this.#states.get(accountId(tokenSet)), now))
      .filter((due): due is number => due !== undefined);
    if (dueTimes.length === 0) {
      this.#setTimer(undefined);
      return;
    }
    this.#setTimer(Math.min(Math.max(Math.min(...dueTimes) - now, 0), MAX_TIMER_MS));
  }

  /** Refreshes every due account, one after another, then schedules the next look. Never rejects. */
  async runDue(): Promise<void> {
    if (this.#running || this.#disposed) {
      return;
    }
    this.#running = true;
    this.#timer = undefined;
    try {
      let tokenSets: TokenSet[];
      try {
        tokenSets = await this.#store.list();
        this.#storeFailures = 0;
      } catch (error) {
        // Reschedules itself with backoff; the schedule() below must not run then.
        this.#storeUnreadable(error);
        return;
      }
      for (const tokenSet of tokenSets) {
        if (this.isDisposed()) {
          return;
        }
        const id = accountId(tokenSet);
        const due = refreshDueAt(tokenSet, this.#states.get(id), this.#now());
        if (due === undefined || due > this.#now()) {
          continue;
        }
        await this.#refreshOne(tokenSet);
      }
    } finally {
      this.#running = false;
    }
    await this.schedule();
  }

  async #refreshOne(tokenSet: TokenSet): Promise<void> {
    const id = accountId(tokenSet);
    const account = { channelId: tokenSet.channelId, userId: tokenSet.userId };
    const state: AccountRefreshState = { failures: 0, ...this.#states.get(id), lastAttemptAt: this.#now() };
    this.#states.set(id, state);
    try {
      await this.#accounts.refresh(account);
      this.#states.set(id, { failures: 0, lastAttemptAt: state.lastAttemptAt ?? this.#now() });
      this.#say('info', `Auto refresh: ${id} refreshed.`);
      this.#emit({ account, ok: true });
    } catch (error) {
      const { errorCode, errorMessage } = describe(error);
      const failures = state.failures + 1;
      if (errorCode === 'ERR_LINE_INVALID_GRANT' || errorCode === 'ERR_NO_REFRESH_TOKEN') {
        // Said once: the account is not tried again with this refresh token.
        this.#states.set(id, { failures, stoppedFor: tokenSet.refreshToken ?? '' });
        this.#say('warn', `Auto refresh: ${id} stopped; sign in again. ${errorMessage}`);
        this.#emit({ account, ok: false, errorCode, errorMessage, stopped: true });
        return;
      }
      const now = this.#now();
      const retryAt = now + Math.max(backoffDelay(failures), retryAfterMs(error));
      this.#states.set(id, { failures, retryAt, lastAttemptAt: state.lastAttemptAt ?? now });
      this.#say(
        'warn',
        `Auto refresh: ${id} failed; next try at ${new Date(retryAt).toISOString()}. ${errorCode === undefined ? 'Unexpected error: ' : ''}${errorMessage}`,
      );
      this.#emit({ account, ok: false, ...(errorCode === undefined ? {} : { errorCode }), errorMessage, retryAt });
    }
  }

  #storeUnreadable(error: unknown): void {
    this.#storeFailures += 1;
    const delay = Math.min(backoffDelay(this.#storeFailures), MAX_TIMER_MS);
    this.#say(
      'warn',
      `Auto refresh: the stored tokens could not be read; next look in ${Math.round(delay / 60_000)} min. ${describe(error).errorMessage}`,
    );
    this.#setTimer(delay);
  }

  #setTimer(delay: number | undefined): void {
    if (this.#timer !== undefined) {
      this.#timers.clear(this.#timer);
    }
    this.#timer = undefined;
    if (delay === undefined || this.#disposed) {
      return;
    }
    this.#timer = this.#timers.set(() => void this.runDue(), delay);
  }

  // A listener's or logger's failure must not stop the refresh loop.
  #emit(event: AutoRefreshEvent): void {
    try {
      this.#onEvent(event);
    } catch (error) {
      this.#say('warn', `Auto refresh: an event listener failed. ${describe(error).errorMessage}`);
    }
  }

  #say(level: 'info' | 'warn', message: string): void {
    try {
      this.#log(level, message);
    } catch {
      // Nowhere left to report it.
    }
  }

  /** A method, not the field: the flag can change while this object awaits the store or LINE. */
  isDisposed(): boolean {
    return this.#disposed;
  }

  /** True while runDue() is refreshing. */
  isRunning(): boolean {
    return this.#running;
  }

  dispose(): void {
    this.#disposed = true;
    this.#subscription.dispose();
    this.#setTimer(undefined);
  }
}
