/** Grants and the access and refresh tokens issued under them. */

import type { Clock } from './clock';
import { newAccessTokenValue, randomUrlSafe } from './randomValues';
import type { Scope } from './scopes';

/** One sign-in: the tokens issued from one code (or issueTokensDirectly) and their refreshes. */
export interface Grant {
  channelId: string;
  userId: string;
  scopes: Scope[];
  originalIssuedAt: number;
  revoked: boolean;
}

export interface AccessTokenRecord {
  grant: Grant;
  expiresAt: number;
  revoked: boolean;
}

export interface RefreshTokenRecord {
  grant: Grant;
  /** The ORIGINAL issue time + lifetime: refreshing never extends it. */
  expiresAt: number;
  revoked: boolean;
  /** The latest access token issued with (or refreshed by) this refresh token. */
  accessToken: string;
}

export interface TokenLifetimes {
  accessTokenSeconds: number;
  refreshTokenMs: number;
}

export class TokenStore {
  readonly #grants = new Set<Grant>();
  readonly #accessTokens = new Map<string, AccessTokenRecord>();
  readonly #refreshTokens = new Map<string, RefreshTokenRecord>();

  constructor(
    private readonly clock: Clock,
    /** Replaced by a reloaded configuration; tokens already issued keep their expiry. */
    public lifetimes: TokenLifetimes,
  ) {}

  newGrant(channelId: string, userId: string, scopes: Scope[]): Grant {
    const grant: Grant = { channelId, userId, scopes, originalIssuedAt: this.clock.now(), revoked: false };
    this.#grants.add(grant);
    return grant;
  }

  /** A new access token and refresh token under `grant`; the refresh token dies at `refreshExpiresAt`. */
  mintPair(grant: Grant, refreshExpiresAt: number): { accessToken: string; refreshToken: string } {
    const accessToken = this.mintAccessToken(grant);
    const refreshToken = randomUrlSafe(24);
    this.#refreshTokens.set(refreshToken, { grant, expiresAt: refreshExpiresAt, revoked: false, accessToken });
    return { accessToken, refreshToken };
  }

  mintAccessToken(grant: Grant): string {
    const accessToken = newAccessTokenValue();
    this.#accessTokens.set(accessToken, {
      grant,
      expiresAt: this.clock.now() + this.lifetimes.accessTokenSeconds * 1000,
      revoked: false,
    });
    return accessToken;
  }

  /** Any access token record, live or not (revoke answers the same either way). */
  accessTokenRecord(token: string): AccessTokenRecord | undefined {
    return this.#accessTokens.get(token);
  }

  /** A live access token, `'expired'`, or undefined for unknown/revoked. */
  lookupAccessToken(token: string | undefined): AccessTokenRecord | 'expired' | undefined {
    const record = token === undefined ? undefined : this.#accessTokens.get(token);
    if (record === undefined || record.revoked || record.grant.revoked) {
      return undefined;
    }
    return this.secondsLeft(record) <= 0 ? 'expired' : record;
  }

  secondsLeft(record: AccessTokenRecord): number {
    return Math.floor((record.expiresAt - this.clock.now()) / 1000);
  }

  refreshTokenRecord(token: string): RefreshTokenRecord | undefined {
    return this.#refreshTokens.get(token);
  }

  /** Every grant for which `ends` holds is revoked (a removed channel or user, or "revoke all"). */
  revokeGrants(ends: (grant: Grant) => boolean): void {
    for (const grant of this.#grants) {
      if (ends(grant)) {
        grant.revoked = true;
      }
    }
  }

  /**
   * The user's access tokens expire now (they then answer as expired, not as revoked); refresh
   * tokens stay valid, as after a natural expiry.
   */
  expireAccessTokensOf(userId: string): number {
    const now = this.clock.now();
    let expired = 0;
    for (const record of this.#accessTokens.values()) {
      if (record.grant.userId === userId && record.expiresAt > now) {
        record.expiresAt = now;
        expired += 1;
      }
    }
    return expired;
  }

  /** Deauthorize: every grant of this user in this channel ends. */
  revokeUser(channelId: string, userId: string): void {
    for (const grant of this.#grants) {
      if (grant.channelId === channelId && grant.userId === userId) {
        grant.revoked = true;
      }
    }
  }
}
