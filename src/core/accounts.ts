/**
 * What a developer does with a signed-in account: verify, refresh, revoke, deauthorize, sign out,
 * read the profile. The VS Code commands call these; every decision is made here so it is tested
 * under plain node against the emulator.
 */
import { isLineLoginError, TokenError, type LineLoginError, type LineLoginErrorCode } from './errors';
import { verifyIdToken, type LineJwks } from './idToken';
import type { LineLoginClient } from './lineClient';
import { accountId, type AccountKey, type TokenStore } from './tokenStore';
import type {
  IdTokenClaims,
  LineAccessTokenVerification,
  LineChannelCredentials,
  LineFriendshipStatus,
  LineProfile,
  LineUserInfo,
  TokenSet,
} from './types';

export interface LineAccountsDependencies {
  client: LineLoginClient;
  store: TokenStore;
  jwks: LineJwks;
  /** The channel secret lives in secret storage; this looks it up (throws when it is missing). */
  channelCredentials: (channelId: string) => Promise<LineChannelCredentials>;
  now?: () => number;
}

export interface RevokeResult {
  /** True when LINE answered 200; false when the call failed (the local copy is deleted either way). */
  revokedOnServer: boolean;
  serverErrorCode?: LineLoginErrorCode;
  serverErrorMessage?: string;
  deletedLocally: boolean;
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

const COMPARED_CLAIMS: readonly (keyof IdTokenClaims)[] = [
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'amr',
  'name',
  'picture',
  'email',
];

export class LineAccounts {
  readonly #deps: LineAccountsDependencies;
  readonly #now: () => number;
  /** Security checklist §20: one refresh at a time per account; callers share the one in flight. */
  readonly #refreshing = new Map<string, Promise<TokenSet>>();

  constructor(deps: LineAccountsDependencies) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  async require(key: AccountKey): Promise<TokenSet> {
    const tokenSet = await this.#deps.store.get(key);
    if (tokenSet === undefined) {
      throw new TokenError(
        'ERR_ACCOUNT_NOT_FOUND',
        `No signed-in account ${key.userId} on channel ${key.channelId}. Sign in first.`,
        key,
      );
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

  async #refresh(key: AccountKey, options: { signal?: AbortSignal }): Promise<TokenSet> {
    // Read the latest set right before calling LINE: another window may have refreshed already.
    const current = await this.require(key);
    if (current.refreshToken === undefined) {
      throw new TokenError('ERR_NO_REFRESH_TOKEN', 'This account has no refresh token: sign in again.', key);
    }
    const channel = await this.#deps.channelCredentials(key.channelId);
    const issuedAt = this.#now();
    // On any failure nothing below runs: the stored tokens stay exactly as they were.
    const tokens = await this.#deps.client.refreshAccessToken({ channel, refreshToken: current.refreshToken }, options);
    const refreshed: TokenSet = {
      ...current,
      accessToken: tokens.accessToken,
      tokenType: tokens.tokenType,
      scopes: tokens.scope.length > 0 ? mergeEmailScope(tokens.scope, current.scopes) : current.scopes,
      accessTokenIssuedAt: issuedAt,
      accessTokenExpiresAt: issuedAt + tokens.expiresIn * 1000,
      // LINE returns a new refresh token; keep the old one if it ever does not. Its expiry is
      // counted from the original sign-in and is not extended by refreshing.
      refreshToken: tokens.refreshToken ?? current.refreshToken,
    };
    if ((await this.#deps.store.get(key)) === undefined) {
      // Signed out while the request was in flight: do not bring the account back.
      return refreshed;
    }
    await this.#deps.store.put(refreshed);
    return refreshed;
  }

  /** Security checklist §21: call LINE, then delete locally whatever LINE answered. */
  async revoke(key: AccountKey, options: { signal?: AbortSignal } = {}): Promise<RevokeResult> {
    const tokenSet = await this.require(key);
    let serverError: LineLoginError | undefined;
    try {
      const channel = await this.#deps.channelCredentials(key.channelId);
      await this.#deps.client.revokeAccessToken({ channel, accessToken: tokenSet.accessToken }, options);
    } catch (error) {
      if (!isLineLoginError(error)) {
        throw error;
      }
      serverError = error;
    }
    const deletedLocally = await this.#deps.store.delete(key);
    return serverError === undefined
      ? { revokedOnServer: true, deletedLocally }
      : {
          revokedOnServer: false,
          serverErrorCode: serverError.code,
          serverErrorMessage: serverError.message,
          deletedLocally,
        };
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
    const latest = await this.#deps.store.get(key);
    if (latest !== undefined) {
      await this.#deps.store.put({ ...latest, profile });
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
    for (const claim of COMPARED_CLAIMS) {
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
