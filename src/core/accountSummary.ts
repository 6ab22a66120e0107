/**
 * What commands return and tests compare: a plain description of an account with no token,
 * code, verifier, nonce or secret in it (docs/security.md §12–13).
 */
import type { TokenSet } from './types';

export interface AccountSummary {
  channelId: string;
  userId: string;
  displayName?: string;
  pictureUrl?: string;
  email?: string;
  scopes: string[];
  accessTokenExpiresAt: string;
  accessTokenExpired: boolean;
  hasRefreshToken: boolean;
  /** Estimated: 90 days after the original sign-in (LINE does not say). */
  refreshTokenExpiresAt?: string;
  hasIdToken: boolean;
  idTokenExpiresAt?: string;
  signedInAt: string;
}

export function accountSummary(tokenSet: TokenSet, now: number): AccountSummary {
  const summary: AccountSummary = {
    channelId: tokenSet.channelId,
    userId: tokenSet.userId,
    scopes: [...tokenSet.scopes],
    accessTokenExpiresAt: new Date(tokenSet.accessTokenExpiresAt).toISOString(),
    accessTokenExpired: tokenSet.accessTokenExpiresAt <= now,
    hasRefreshToken: tokenSet.refreshToken !== undefined,
    hasIdToken: tokenSet.idToken !== undefined,
    signedInAt: new Date(tokenSet.originalIssuedAt).toISOString(),
  };
  const displayName = accountDisplayName(tokenSet);
  if (displayName !== undefined) {
    summary.displayName = displayName;
  }
  const pictureUrl = tokenSet.profile?.pictureUrl ?? tokenSet.idTokenClaims?.picture;
  if (pictureUrl !== undefined) {
    summary.pictureUrl = pictureUrl;
  }
  if (tokenSet.idTokenClaims?.email !== undefined) {
    summary.email = tokenSet.idTokenClaims.email;
  }
  if (tokenSet.refreshTokenExpiresAt !== undefined) {
    summary.refreshTokenExpiresAt = new Date(tokenSet.refreshTokenExpiresAt).toISOString();
  }
  if (tokenSet.idTokenClaims !== undefined) {
    summary.idTokenExpiresAt = new Date(tokenSet.idTokenClaims.exp * 1000).toISOString();
  }
  return summary;
}

/** Users are keyed by `sub`; names are only for showing. */
export function accountDisplayName(tokenSet: Pick<TokenSet, 'profile' | 'idTokenClaims'>): string | undefined {
  return [tokenSet.profile?.displayName, tokenSet.idTokenClaims?.name].find(
    (name): name is string => name !== undefined && name.trim() !== '',
  );
}
