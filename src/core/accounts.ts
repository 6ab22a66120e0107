/**
 * What a developer does with a signed-in account: verify, refresh, revoke, deauthorize, sign out,
 * read the profile. The VS Code commands call these; every decision is made here so it is tested
 * under plain node against the emulator.
 */
import { isLineLoginError, LineApiError, TokenError, type LineLoginError, type LineLoginErrorCode } from './errors';
import { verifyIdToken, type LineJwks } from './idToken';
import type { LineLoginClient } from './lineClient';
import { InProcessLock, type MachineLock } from './machineLock';
import { accountId, type AccountChange, type AccountKey, type TokenStore } from './tokenStore';
import {
  LINE_ID_TOKEN_CLAIMS,
  type IdTokenClaims,
  type LineAccessTokenVerification,
  type LineChannelCredentials,
  type LineFriendshipStatus,
  type LineProfile,
  type LineUserInfo,
  type TokenSet,
} from './types';

export interface LineAccountsDependencies {
  client: LineLoginClient;
  store: TokenStore;
  jwks: LineJwks;
  /** The channel secret lives in secret storage; this looks it up (throws when it is missing). */
  channelCredentials: (channelId: string) => Promise<LineChannelCredentials>;
  /** Shared by every window on the machine (the store's lock); the default orders this process only. */
  lock?: MachineLock;
  /**
   * After a refresh whose tokens could not be saved: pauses between further attempts, made while
   * this account's refresh lock is still held (see #saveOrKeep).
   */
  saveRetryDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const DEFAULT_SAVE_RETRY_DELAYS_MS = [1_000, 3_000, 10_000];

export interface RevokeResult {
  /** True when LINE answered 200. */
  revokedOnServer: boolean;
  /**
   * True when the account was removed from this machine: LINE answered (200, or a 4xx about the
   * token), or the caller asked to delete it anyway. Otherwise it is kept and marked (revokeFailure).
   */
  deletedLocally: boolean;
  serverErrorCode?: LineLoginErrorCode;
  serverErrorMessage?: string;
}

export interface IdTokenCheck {
  ok: boolean;
  claims?: IdTokenClaims;
  errorCode?: LineLoginErrorCode;
  errorMessage?: string;
}

export interface IdTokenComparison {
  local: IdTokenCheck;
  server: IdTokenCheck;
  /** Claims whose values differ between the two results, and a verdict that differs. */
  differences: string[];
}

export class LineAccounts {
  readonly #deps: LineAccountsDependencies;
  readonly #now: () => number;
  readonly #lock: MachineLock;
  readonly #saveRetryDelaysMs: readonly number[];
  readonly #sleep: (ms: number) => Promise<void>;
  /** docs/security.md §20: one refresh at a time per account; callers in this window share it. */
  readonly #refreshing = new Map<string, Promise<TokenSet>>();

  constructor(deps: LineAccountsDependencies) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#lock = deps.lock ?? new InProcessLock();
    this.#saveRetryDelaysMs = deps.saveRetryDelaysMs ?? DEFAULT_SAVE_RETRY_DELAYS_MS;
    this.#sleep =
      deps.sleep ??
      ((ms) =>
        new Promise((resolve) => {
          setTimeout(resolve, ms);
        }));
  }

  async require(key: AccountKey): Promise<TokenSet> {
    const tokenSet = await this.#deps.store.get(key);
    if (tokenSet === undefined) {
      throw notSignedIn(key);
    }
    return tokenSet;
  }

  async verifyAccessToken(
    key: AccountKey,
    options: { signal?: AbortSignal } = {},
  ): Promise<LineAccessTokenVerification> {
    const tokenSet = await this.require(key);
    return this.#deps.client.checkAccessToken(tokenSet.accessToken, tokenSet.channelId, options);
  }

  refresh(key: AccountKey, options: { signal?: AbortSignal } = {}): Promise<TokenSet> {
    const id = accountId(key);
    const inFlight = this.#refreshing.get(id);
    if (inFlight !== undefined) {
      return inFlight;
    }
    const refresh = this.#refresh(key, options).finally(() => this.#refreshing.delete(id));
    this.#refreshing.set(id, refresh);
    return refresh;
  }

  /**
   * Across windows (docs/security.md §20): one refresh per account at a time on the whole
   * machine. Whoever waited for the lock re-reads the account first: when its access token changed
   * meanwhile, another window has refreshed it (or signed in again), and that result is the answer.
   * Calling LINE again would spend a refresh token for nothing, or, where LINE rotates them, fail
   * with invalid_grant and report a healthy account as "sign in again".
   */
  async #refresh(key: AccountKey, options: { signal?: AbortSignal }): Promise<TokenSet> {
    const seen = await this.require(key);
    return this.#lock.run(`refresh:${accountId(key)}`, async () => {
      const current = await this.#deps.store.getLatest(key);
      if (current === undefined) {
        throw notSignedIn(key);
      }
      if (current.accessToken !== seen.accessToken) {
        return current;
      }
      if (current.refreshToken === undefined) {
        throw new TokenError('ERR_NO_REFRESH_TOKEN', 'This account has no refresh token: sign in again.', key);
      }
      const channel = await this.#deps.channelCredentials(key.channelId);
      const issuedAt = this.#now();
      // On any failure nothing below runs: the stored tokens stay exactly as they were.
      const tokens = await this.#deps.client.refreshAccessToken(
        { channel, refreshToken: current.refreshToken },
        options,
      );
      const renewed: Partial<TokenSet> = {
        accessToken: tokens.accessToken,
        tokenType: tokens.tokenType,
        scopes: tokens.scope.length > 0 ? mergeEmailScope(tokens.scope, current.scopes) : current.scopes,
        accessTokenIssuedAt: issuedAt,
        accessTokenExpiresAt: issuedAt + tokens.expiresIn * 1000,
        // LINE documents that the response carries the refresh token that was sent; keep the old
        // one if it ever carries none. Its expiry is counted from the original sign-in and is not
        // extended by refreshing, so refreshTokenExpiresAt is left as it is.
        refreshToken: tokens.refreshToken ?? current.refreshToken,
      };
      const stored = await this.#saveOrKeep(key, (latest) => {
        if (latest === undefined) {
          // Signed out while the request was in flight: do not bring the account back.
          return undefined;
        }
        if (latest.accessToken !== current.accessToken) {
          // Signed in again meanwhile (a sign-in does not take this lock): the newer grant stays.
          return latest;
        }
        return { ...latest, ...renewed };
      });
      return stored ?? { ...current, ...renewed };
    });
  }

  /**
   * The store retries a failed write and then keeps the change in this window's memory. The old
   * refresh token may be spent by now, so saving is tried again while the refresh lock is still
   * held: meanwhile no other window refreshes this account from the tokens the store still has.
   */
  async #saveOrKeep(key: AccountKey, change: AccountChange): Promise<TokenSet | undefined> {
    try {
      return await this.#deps.store.update(key, change);
    } catch (error) {
      if (!isLineLoginError(error) || error.code !== 'ERR_STORE_WRITE_FAILED') {
        throw error;
      }
      for (const pause of this.#saveRetryDelaysMs) {
        await this.#sleep(pause);
        if (await this.#deps.store.saveUnsaved().catch(() => false)) {
          return this.#deps.store.get(key);
        }
      }
      throw error;
    }
  }

  /**
   * docs/security.md §21: call LINE; when LINE answered, delete locally. When LINE could not be
   * reached or failed (5xx), the tokens may stay valid for up to 90 days and the local copy is the
   * only way left to revoke them: keep the account, mark it, and let the person retry or delete it
   * anyway (`deleteLocallyOnFailure`).
   */
  async revoke(
    key: AccountKey,
    options: { signal?: AbortSignal; deleteLocallyOnFailure?: boolean } = {},
  ): Promise<RevokeResult> {
    const tokenSet = await this.require(key);
    let serverError: LineLoginError | undefined;
    try {
      const channel = await this.#deps.channelCredentials(key.channelId);
      await this.#deps.client.revokeAccessToken(
        { channel, accessToken: tokenSet.accessToken },
        options.signal === undefined ? {} : { signal: options.signal },
      );
    } catch (error) {
      if (!isLineLoginError(error)) {
        throw error;
      }
      serverError = error;
    }
    if (serverError === undefined) {
      return { revokedOnServer: true, deletedLocally: await this.#deps.store.delete(key) };
    }
    const failure = { serverErrorCode: serverError.code, serverErrorMessage: serverError.message };
    if (lineJudgedToken(serverError) || options.deleteLocallyOnFailure === true) {
      return { revokedOnServer: false, deletedLocally: await this.#deps.store.delete(key), ...failure };
    }
    const revokeFailure = { at: this.#now(), errorCode: serverError.code };
    try {
      await this.#deps.store.update(key, (latest) => (latest === undefined ? undefined : { ...latest, revokeFailure }));
    } catch (error) {
      // The mark is a reminder; the account itself is kept either way.
      if (!isLineLoginError(error)) {
        throw error;
      }
    }
    return { revokedOnServer: false, deletedLocally: false, ...failure };
  }

  /** Removes the user's consent for the channel on LINE's side, then the local copy. */
  async deauthorize(
    key: AccountKey,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ deauthorizedOnServer: true; deletedLocally: boolean }> {
    const tokenSet = await this.require(key);
    const channel = await this.#deps.channelCredentials(key.channelId);
    await this.#deps.client.deauthorize({ channel, userAccessToken: tokenSet.accessToken }, options);
    return { deauthorizedOnServer: true, deletedLocally: await this.#deps.store.delete(key) };
  }

  /** Local only: LINE is not told, and the tokens stay valid until they expire. */
  signOut(key: AccountKey): Promise<boolean> {
    return this.#deps.store.delete(key);
  }

  async getProfile(key: AccountKey, options: { signal?: AbortSignal } = {}): Promise<LineProfile> {
    const tokenSet = await this.require(key);
    const profile = await this.#deps.client.getProfile(tokenSet.accessToken, options);
    try {
      await this.#deps.store.update(key, (latest) => (latest === undefined ? undefined : { ...latest, profile }));
    } catch (error) {
      // The profile is LINE's answer either way; a copy that could not be saved yet is kept in
      // memory and saved with the next change.
      if (!isLineLoginError(error) || error.code !== 'ERR_STORE_WRITE_FAILED') {
        throw error;
      }
    }
    return profile;
  }

  async getUserInfo(key: AccountKey, options: { signal?: AbortSignal } = {}): Promise<LineUserInfo> {
    const tokenSet = await this.require(key);
    return this.#deps.client.getUserInfo(tokenSet.accessToken, options);
  }

  async getFriendshipStatus(key: AccountKey, options: { signal?: AbortSignal } = {}): Promise<LineFriendshipStatus> {
    const tokenSet = await this.require(key);
    return this.#deps.client.getFriendshipStatus(tokenSet.accessToken, options);
  }

  /** The stored ID token checked locally (signature and claims) and by LINE's verify endpoint, side by side. */
  async verifyIdToken(key: AccountKey, options: { signal?: AbortSignal } = {}): Promise<IdTokenComparison> {
    const tokenSet = await this.require(key);
    if (tokenSet.idToken === undefined) {
      throw new TokenError(
        'ERR_ACCOUNT_NOT_FOUND',
        'This account has no ID token: sign in again with the openid scope.',
        key,
      );
    }
    const idToken = tokenSet.idToken;
    const channel = await this.#deps.channelCredentials(key.channelId);
    const [local, server] = await Promise.all([
      settle(
        async () =>
          (
            await verifyIdToken(idToken, {
              channelId: channel.channelId,
              channelSecret: channel.channelSecret,
              jwks: this.#deps.jwks,
              issuer: this.#deps.client.endpoints.authorizeBaseUrl,
              ...(tokenSet.nonce === undefined ? {} : { nonce: tokenSet.nonce }),
              now: () => new Date(this.#now()),
            })
          ).claims,
      ),
      settle(() =>
        this.#deps.client.verifyIdTokenOnServer(
          {
            idToken,
            channelId: channel.channelId,
            userId: tokenSet.userId,
            ...(tokenSet.nonce === undefined ? {} : { nonce: tokenSet.nonce }),
          },
          options,
        ),
      ),
    ]);
    return { local, server, differences: compareIdTokenChecks(local, server) };
  }
}

/**
 * LINE answered about the token itself: a 4xx such as an unknown, expired or already revoked token
 * (LINE's iOS SDK treats 400 invalid_request from revoke as done, "since the token itself is
 * invalid"). Not so for a rejected client (wrong channel secret) or a 429: the token was not looked
 * at and is still valid.
 */
function lineJudgedToken(error: LineLoginError): boolean {
  if (!(error instanceof LineApiError)) {
    return false;
  }
  const status = error.details.status;
  return (
    status !== undefined &&
    status >= 400 &&
    status < 500 &&
    error.code !== 'ERR_LINE_INVALID_CLIENT' &&
    error.code !== 'ERR_LINE_RATE_LIMITED'
  );
}

function notSignedIn(key: AccountKey): TokenError {
  return new TokenError(
    'ERR_ACCOUNT_NOT_FOUND',
    `No signed-in account ${key.userId} on channel ${key.channelId}. Sign in first.`,
    key,
  );
}

async function settle(check: () => Promise<IdTokenClaims>): Promise<IdTokenCheck> {
  try {
    return { ok: true, claims: await check() };
  } catch (error) {
    if (!isLineLoginError(error)) {
      throw error;
    }
    return { ok: false, errorCode: error.code, errorMessage: error.message };
  }
}

export function compareIdTokenChecks(local: IdTokenCheck, server: IdTokenCheck): string[] {
  const differences: string[] = [];
  if (local.ok !== server.ok) {
    differences.push('verdict');
  }
  if (local.claims !== undefined && server.claims !== undefined) {
    for (const claim of LINE_ID_TOKEN_CLAIMS) {
      if (JSON.stringify(local.claims[claim]) !== JSON.stringify(server.claims[claim])) {
        differences.push(claim);
      }
    }
  }
  return differences;
}

/** LINE never lists `email` in a token response's scope; keep it when the account had it. */
function mergeEmailScope(granted: string[], previous: string[]): string[] {
  return previous.includes('email') && !granted.includes('email') ? [...granted, 'email'] : granted;
}
