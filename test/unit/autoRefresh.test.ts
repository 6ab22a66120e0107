// AutoRefresher against a fake LINE token endpoint, an in-memory store, an injected clock and a
// scheduler the test drives: every request to LINE is counted, no test waits for real time.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { LineAccounts } from '../../src/core/accounts';
import {
  AutoRefresher,
  MAX_TIMER_MS,
  MIN_REFRESH_INTERVAL_MS,
  type AutoRefreshEvent,
  type Timers,
} from '../../src/core/autoRefresh';
import { createLineJwks } from '../../src/core/idToken';
import { LineLoginClient } from '../../src/core/lineClient';
import { InMemoryTokenStore } from '../../src/core/inMemoryTokenStore';
import type { TokenSet } from '../../src/core/types';

const CHANNEL = { channelId: '1650000001', channelSecret: 'a3f1c9e2b7d84f0e9c1a2b3c4d5e6f70' };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A whole second, so an HTTP-date Retry-After maps back to it exactly. */
const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);

/** The clock and the timers of one simulated window. */
class FakeScheduler implements Timers {
  now = T0;
  readonly #pending = new Map<number, { at: number; callback: () => void }>();
  #nextId = 1;

  set(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#pending.set(id, { at: this.now + ms, callback });
    return id;
  }

  clear(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  /** The delay of the earliest pending timer from now. */
  nextDelay(): number | undefined {
    const next = this.#earliest();
    return next === undefined ? undefined : next[1].at - this.now;
  }

  /**
   * Lets simulated time pass until `until`: each timer fires when due, or `lateByMs` later (a machine
   * that slept). Throws when timers keep firing without time passing: a refresh loop.
   */
  async runUntil(until: number, options: { lateByMs?: number } = {}): Promise<void> {
    let fired = 0;
    for (;;) {
      // Timers set by work still under way (a change event's schedule()) count too.
      await settle();
      const next = this.#earliest();
      if (next === undefined || next[1].at > until) {
        break;
      }
      fired += 1;
      if (fired > 2_000) {
        throw new Error(`more than 2000 timers fired before ${new Date(until).toISOString()}: a refresh loop`);
      }
      this.#pending.delete(next[0]);
      this.now = Math.max(this.now, next[1].at + (options.lateByMs ?? 0));
      next[1].callback();
      await settle();
    }
    this.now = Math.max(this.now, until);
  }

  /** Fires the earliest timer now, whatever time it was set for (a timer that fires early or late). */
  async fireNext(): Promise<void> {
    const next = this.#earliest();
    assert.ok(next, 'a timer is pending');
    this.#pending.delete(next[0]);
    next[1].callback();
    await settle();
  }

  #earliest(): [number, { at: number; callback: () => void }] | undefined {
    let earliest: [number, { at: number; callback: () => void }] | undefined;
    for (const entry of this.#pending) {
      if (earliest === undefined || entry[1].at < earliest[1].at) {
        earliest = entry;
      }
    }
    return earliest;
  }
}

/** Lets every promise chain started by a timer finish (no real I/O is involved). */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn += 1) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

type LineAnswer = { status: number; body: unknown; headers?: Record<string, string> };

/** LINE's token endpoint, played in memory: answers are taken from a script, then the default. */
class FakeLine {
  readonly refreshRequests: { at: number; refreshToken: string | null }[] = [];
  readonly script: LineAnswer[] = [];
  expiresIn = 30 * 24 * 3600;
  #issued = 0;

  constructor(private readonly scheduler: FakeScheduler) {}

  readonly fetch = (input: string, init: RequestInit): Promise<Response> => {
    const form = new URLSearchParams(typeof init.body === 'string' ? init.body : '');
    assert.equal(new URL(input).pathname, '/oauth2/v2.1/token');
    assert.equal(form.get('grant_type'), 'refresh_token');
    this.refreshRequests.push({ at: this.scheduler.now, refreshToken: form.get('refresh_token') });
    this.#issued += 1;
    const answer = this.script.shift() ?? {
      status: 200,
      body: {
        access_token: `access-token-${this.#issued}-0123456789`,
        token_type: 'Bearer',
        expires_in: this.expiresIn,
        // LINE's reference: the refresh token sent is the one returned.
        refresh_token: form.get('refresh_token'),
        scope: 'profile openid',
      },
    };
    return Promise.resolve(
      new Response(JSON.stringify(answer.body), {
        status: answer.status,
        headers: { 'content-type': 'application/json', ...answer.headers },
      }),
    );
  };

  /** Request times, relative to T0, in minutes. */
  minutes(): number[] {
    return this.refreshRequests.map((request) => (request.at - T0) / MINUTE);
  }
}

/** A store whose reads or writes can be made to fail, like a misbehaving keychain. */
/** Faults at the seams: the document write under the store's rules (SecretStorage's store) and the refresher's list. */
class FlakyStore extends InMemoryTokenStore {
  failWrites = 0;

  protected override writeDocument(accounts: readonly TokenSet[], generation: number): Promise<void> {
    if (this.failWrites > 0) {
      this.failWrites -= 1;
      return Promise.reject(new Error('SecretStorage: the keychain refused the write'));
    }
    return super.writeDocument(accounts, generation);
  }

  /** What the refresher reads on every store change; fails alone, so a put before it still lands. */
  failLists = 0;

  override list(): Promise<TokenSet[]> {
    if (this.failLists > 0) {
      this.failLists -= 1;
      return Promise.reject(new TypeError("Cannot read properties of undefined (reading 'accounts')"));
    }
    return super.list();
  }
}

function tokenSet(userId: string, overrides: Partial<TokenSet> = {}): TokenSet {
  // Signed in 29 days and 23 hours ago with LINE's 30-day token: due within the hour.
  const signedIn = T0 - 30 * DAY + HOUR;
  return {
    channelId: CHANNEL.channelId,
    userId,
    accessToken: `access-token-of-${userId}`,
    tokenType: 'Bearer',
    scopes: ['profile', 'openid'],
    accessTokenIssuedAt: signedIn,
    accessTokenExpiresAt: signedIn + 30 * DAY,
    refreshToken: `refresh-token-of-${userId}`,
    refreshTokenExpiresAt: signedIn + 90 * DAY,
    originalIssuedAt: signedIn,
    ...overrides,
  };
}

interface Rig {
  scheduler: FakeScheduler;
  line: FakeLine;
  store: FlakyStore;
  events: AutoRefreshEvent[];
  logs: string[];
  refresher: AutoRefresher;
}

const refreshers: AutoRefresher[] = [];

async function rig(accounts: TokenSet[], options: { accounts?: Pick<LineAccounts, 'refresh'> } = {}): Promise<Rig> {
  const scheduler = new FakeScheduler();
  const line = new FakeLine(scheduler);
  const store = new FlakyStore({ sleep: () => Promise.resolve() });
  for (const account of accounts) {
    await store.put(account);
  }
  const client = new LineLoginClient({
    endpoints: { authorizeBaseUrl: 'https://access.line.me', apiBaseUrl: 'https://api.line.me' },
    fetch: line.fetch,
    now: () => scheduler.now,
  });
  const lineAccounts =
    options.accounts ??
    new LineAccounts({
      client,
      store,
      jwks: createLineJwks('https://api.line.me'),
      channelCredentials: () => Promise.resolve(CHANNEL),
      now: () => scheduler.now,
      // The save retries under the refresh lock wait on real time by default; here they are instant.
      sleep: () => Promise.resolve(),
    });
  const events: AutoRefreshEvent[] = [];
  const logs: string[] = [];
  const refresher = new AutoRefresher({
    accounts: lineAccounts,
    store,
    now: () => scheduler.now,
    timers: scheduler,
    onEvent: (event) => events.push(event),
    log: (level, message) => logs.push(`${level}: ${message}`),
  });
  refreshers.push(refresher);
  await settle();
  return { scheduler, line, store, events, logs, refresher };
}

/** Every gap between consecutive requests is at least the minimum interval. */
function assertSpaced(minutes: readonly number[], atLeast = MIN_REFRESH_INTERVAL_MS / MINUTE): void {
  for (let index = 1; index < minutes.length; index += 1) {
    const gap = (minutes[index] ?? 0) - (minutes[index - 1] ?? 0);
    assert.ok(gap >= atLeast, `requests ${gap} min apart (at ${minutes.join(', ')} min)`);
  }
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});

afterEach(async () => {
  for (const refresher of refreshers.splice(0)) {
    refresher.dispose();
  }
  await settle();
  process.off('unhandledRejection', onUnhandled);
  assert.deepEqual(unhandled, [], 'no unhandled rejection');
});

describe('AutoRefresher: never more than one refresh per account per 10 minutes', () => {
  test('a token that LINE says lives 1 s is refreshed every 10 minutes, not in a loop', async () => {
    const { scheduler, line } = await rig([
      tokenSet('U1', { accessTokenIssuedAt: T0, originalIssuedAt: T0, accessTokenExpiresAt: T0 + 1000 }),
    ]);
    line.expiresIn = 1;
    await scheduler.runUntil(T0 + 2 * HOUR);
    const minutes = line.minutes();
    assertSpaced(minutes);
    // Half a second in (half of the token's life), then every 10 minutes: 12 in two hours, never more.
    assert.equal(minutes.length, 12, `requests at ${minutes.join(', ')} min`);
  });

  test('LINE-like 30-day tokens: one refresh a day before expiry, then nothing for weeks', async () => {
    const { scheduler, line, store } = await rig([tokenSet('U1')]);
    await scheduler.runUntil(T0 + 20 * DAY);
    assert.equal(line.refreshRequests.length, 1);
    assert.ok((line.refreshRequests[0]?.at ?? Infinity) <= T0 + HOUR);
    const [stored] = await store.list();
    assert.equal(stored?.accessToken, 'access-token-1-0123456789');
    assert.equal(scheduler.pendingCount, 1, 'one timer, however many accounts');
    assert.ok((scheduler.nextDelay() ?? Infinity) <= MAX_TIMER_MS);
  });

  test('a refresh stored by another window counts: no second refresh within 10 minutes', async () => {
    // Refreshed by another window just now, with a token of one minute.
    const { scheduler, line } = await rig([
      tokenSet('U1', { accessTokenIssuedAt: T0, accessTokenExpiresAt: T0 + MINUTE, originalIssuedAt: T0 - DAY }),
    ]);
    await scheduler.runUntil(T0 + MIN_REFRESH_INTERVAL_MS - 1);
    assert.equal(line.refreshRequests.length, 0);
    await scheduler.runUntil(T0 + MIN_REFRESH_INTERVAL_MS);
    assert.equal(line.refreshRequests.length, 1);
  });
});

describe("AutoRefresher: Retry-After, backoff and errors that are not LINE's", () => {
  test("a 429's Retry-After in seconds is honoured before the next attempt", async () => {
    const { scheduler, line, events } = await rig([tokenSet('U1')]);
    line.script.push({ status: 429, body: { message: 'Too many requests' }, headers: { 'retry-after': '7200' } });
    await scheduler.runUntil(T0 + 2 * HOUR - 1);
    assert.deepEqual(line.minutes(), [0]);
    const [failure] = events;
    assert.equal(failure?.errorCode, 'ERR_LINE_RATE_LIMITED');
    assert.equal(failure.retryAt, T0 + 2 * HOUR);
    await scheduler.runUntil(T0 + 2 * HOUR);
    assert.deepEqual(line.minutes(), [0, 120]);
    assert.equal(events[1]?.ok, true);
  });

  test("a 429's Retry-After as an HTTP-date is honoured too", async () => {
    const { scheduler, line, events } = await rig([tokenSet('U1')]);
    const at = new Date(T0 + 3 * HOUR).toUTCString();
    line.script.push({ status: 429, body: { message: 'Too many requests' }, headers: { 'retry-after': at } });
    await scheduler.runUntil(T0 + 3 * HOUR - 1);
    assert.deepEqual(line.minutes(), [0]);
    assert.equal(events[0]?.retryAt, T0 + 3 * HOUR);
    await scheduler.runUntil(T0 + 3 * HOUR);
    assert.deepEqual(line.minutes(), [0, 180]);
  });

  test('a 5xx backs off exponentially: 10, 20, 40, 60, 60 minutes', async () => {
    const { scheduler, line, events } = await rig([tokenSet('U1')]);
    for (let index = 0; index < 5; index += 1) {
      line.script.push({ status: 500, body: { error: 'server_error' } });
    }
    await scheduler.runUntil(T0 + 4 * HOUR);
    assert.deepEqual(line.minutes(), [0, 10, 30, 70, 130, 190]);
    assert.deepEqual(
      events.map((event) => event.ok),
      [false, false, false, false, false, true],
    );
  });

  test('a store write that fails after a refresh is retried: LINE is called once and the new tokens are saved', async () => {
    const { scheduler, line, store, events } = await rig([tokenSet('U1')]);
    const before = await store.get({ channelId: CHANNEL.channelId, userId: 'U1' });
    store.failWrites = 2;
    await scheduler.runUntil(T0 + 2 * HOUR);
    assert.deepEqual(line.minutes(), [0], 'the refresh token is spent once, not once per failed write');
    assert.deepEqual(
      events.map((event) => [event.ok, event.errorCode]),
      [[true, undefined]],
    );
    const after = await store.get({ channelId: CHANNEL.channelId, userId: 'U1' });
    assert.notEqual(after?.accessToken, before?.accessToken, 'the new access token reached the store');
  });

  test('a store that keeps refusing writes: the new tokens stay in memory, told once, LINE not called again', async () => {
    const { scheduler, line, store, events, logs } = await rig([tokenSet('U1')]);
    store.failWrites = 1_000;
    await scheduler.runUntil(T0 + 2 * HOUR);
    assert.deepEqual(line.minutes(), [0], 'LINE is not hammered while the store fails');
    assert.deepEqual(
      events.map((event) => [event.ok, event.errorCode]),
      [[false, 'ERR_STORE_WRITE_FAILED']],
    );
    assert.deepEqual(
      store.unsavedAccounts().map((account) => account.userId),
      ['U1'],
    );
    assert.match(events[0]?.errorMessage ?? '', /keychain refused the write/);
    assert.equal(logs.filter((entry) => entry.includes('Unexpected error')).length, 0);
  });

  test('any thrown value (TypeError, a string) from a refresh is caught and rescheduled', async () => {
    let calls = 0;
    const accounts = {
      refresh: (): Promise<TokenSet> => {
        calls += 1;
        // A bare string is what some libraries throw; it must be survived as well as an Error.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return Promise.reject(calls === 1 ? new TypeError('x is not a function') : 'a bare string');
      },
    };
    const { scheduler, events } = await rig([tokenSet('U1')], { accounts });
    await scheduler.runUntil(T0 + 45 * MINUTE);
    assert.equal(calls, 3);
    assert.deepEqual(
      events.map((event) => event.errorMessage),
      ['TypeError: x is not a function', 'a bare string', 'a bare string'],
    );
    assert.ok(events.every((event) => event.retryAt !== undefined && event.retryAt > scheduler.now - HOUR));
  });

  test('a store that cannot be read is retried with backoff; refreshing resumes once it can', async () => {
    const { scheduler, line, store, logs } = await rig([]);
    store.failLists = 2;
    await store.put(tokenSet('U1'));
    await settle();
    assert.equal(line.refreshRequests.length, 0);
    assert.ok(logs.some((entry) => entry.includes('could not be read')));
    await scheduler.runUntil(T0 + HOUR);
    assert.equal(line.refreshRequests.length, 1);
  });

  test('a throwing event listener or logger does not stop the loop', async () => {
    const scheduler = new FakeScheduler();
    const store = new InMemoryTokenStore();
    await store.put(tokenSet('U1'));
    let refreshes = 0;
    const refresher = new AutoRefresher({
      accounts: {
        refresh: () => {
          refreshes += 1;
          return Promise.reject(new Error('down'));
        },
      },
      store,
      now: () => scheduler.now,
      timers: scheduler,
      onEvent: () => {
        throw new Error('listener bug');
      },
      log: () => {
        throw new Error('logger bug');
      },
    });
    refreshers.push(refresher);
    await settle();
    await scheduler.runUntil(T0 + 35 * MINUTE);
    assert.equal(refreshes, 3);
  });
});

describe('AutoRefresher: invalid_grant stops the account and says so once', () => {
  test('one request, one "stopped" event and log line; a new sign-in resumes', async () => {
    const { scheduler, line, store, events, logs } = await rig([tokenSet('U1')]);
    line.script.push({ status: 400, body: { error: 'invalid_grant', error_description: 'invalid refresh token' } });
    await scheduler.runUntil(T0 + 3 * DAY);
    // Any store change makes it look again; U1 stays stopped.
    const withoutRefreshToken = tokenSet('U2');
    delete withoutRefreshToken.refreshToken;
    await store.put(withoutRefreshToken);
    await scheduler.runUntil(T0 + 4 * DAY);
    assert.equal(line.refreshRequests.length, 1);
    assert.deepEqual(events, [
      {
        account: { channelId: CHANNEL.channelId, userId: 'U1' },
        ok: false,
        errorCode: 'ERR_LINE_INVALID_GRANT',
        errorMessage: events[0]?.errorMessage,
        stopped: true,
      },
    ]);
    assert.equal(logs.filter((entry) => entry.includes('stopped')).length, 1);
    const [stored] = await store.list();
    assert.equal(stored?.accessToken, 'access-token-of-U1', 'nothing is deleted or changed');

    // Signing in again brings a new refresh token: refreshing resumes.
    await store.put(tokenSet('U1', { refreshToken: 'a-new-refresh-token', accessTokenExpiresAt: scheduler.now }));
    await scheduler.runUntil(scheduler.now + HOUR);
    assert.equal(line.refreshRequests.length, 2);
    assert.equal(line.refreshRequests[1]?.refreshToken, 'a-new-refresh-token');
  });
});

describe('AutoRefresher: timers that fire hours late or early', () => {
  test('after the machine slept 10 hours, each due account is refreshed once', async () => {
    const { scheduler, line } = await rig([
      tokenSet('U1', { accessTokenExpiresAt: T0 + 30 * HOUR }),
      tokenSet('U2', { accessTokenExpiresAt: T0 + 31 * HOUR }),
      tokenSet('U3', { accessTokenExpiresAt: T0 + 32 * HOUR }),
    ]);
    assert.equal(scheduler.pendingCount, 1);
    // Every timer fires 10 hours after it was due, as after a suspend.
    await scheduler.runUntil(T0 + 12 * HOUR, { lateByMs: 10 * HOUR });
    assert.equal(line.refreshRequests.length, 3);
    assert.deepEqual(
      line.refreshRequests.map((request) => request.refreshToken),
      ['refresh-token-of-U1', 'refresh-token-of-U2', 'refresh-token-of-U3'],
    );
    assert.ok(line.refreshRequests.every((request) => request.at >= T0 + 10 * HOUR));
    await scheduler.runUntil(T0 + 5 * DAY);
    assert.equal(line.refreshRequests.length, 3, 'fresh 30-day tokens need nothing for days');
  });

  test('a timer that fires early refreshes nothing and waits again', async () => {
    const { scheduler, line } = await rig([tokenSet('U1', { accessTokenExpiresAt: T0 + 30 * HOUR })]);
    await scheduler.fireNext();
    assert.equal(line.refreshRequests.length, 0);
    assert.equal(scheduler.pendingCount, 1);
    await scheduler.runUntil(T0 + 7 * HOUR);
    assert.equal(line.refreshRequests.length, 1);
  });

  test('dispose stops everything: no timer, no request', async () => {
    const { scheduler, line, refresher } = await rig([tokenSet('U1')]);
    refresher.dispose();
    assert.equal(scheduler.pendingCount, 0);
    await scheduler.runUntil(T0 + DAY);
    assert.equal(line.refreshRequests.length, 0);
  });
});
