/**
 * What the token explorer and the status bar decide about an account, without VS Code: token
 * states, contextValue strings (the contract with the `viewItem` patterns in package.json), names
 * and grouping. Kept free of `vscode` so it can be tested under plain node.
 */
import type { ChannelConfig } from './channels';
import { decodeJwt } from './jwtExplain';
import { sameAccount, type AccountKey } from './tokenStore';
import { REFRESH_TOKEN_LIFETIME_MS, type TokenSet } from './types';
import { accountDisplayName } from './accountSummary';
import type { ListedAccount } from './accountListing';

/** Less than this left and an access token is shown as "expiring". */
export const EXPIRING_WITHIN_MS = 24 * 60 * 60 * 1000;

export type AccessTokenStatus = 'valid' | 'expiring' | 'expired';
export type RefreshTokenStatus = 'valid' | 'expired';
export type IdTokenStatus = 'valid' | 'expired';
/** How loudly the status bar shows an access token's state. */
export type StatusLevel = 'none' | 'warning' | 'error';

export function accessTokenStatus(expiresAt: number, now: number): AccessTokenStatus {
  if (expiresAt <= now) {
    return 'expired';
  }
  return expiresAt - now < EXPIRING_WITHIN_MS ? 'expiring' : 'valid';
}

export function statusLevel(status: AccessTokenStatus): StatusLevel {
  switch (status) {
    case 'valid':
      return 'none';
    case 'expiring':
      return 'warning';
    case 'expired':
      return 'error';
  }
}

/**
 * LINE does not say when a refresh token expires; it documents 90 days after the original sign-in,
 * not extended by refreshing. Undefined when the account has no refresh token.
 */
export function refreshTokenExpiresAt(
  tokenSet: Pick<TokenSet, 'refreshToken' | 'refreshTokenExpiresAt' | 'originalIssuedAt'>,
): number | undefined {
  if (tokenSet.refreshToken === undefined) {
    return undefined;
  }
  return tokenSet.refreshTokenExpiresAt ?? tokenSet.originalIssuedAt + REFRESH_TOKEN_LIFETIME_MS;
}

export function refreshTokenStatus(expiresAt: number, now: number): RefreshTokenStatus {
  return expiresAt <= now ? 'expired' : 'valid';
}

/** A token without `exp` never expires by its own claims. */
export function idTokenStatus(expiresAt: number | undefined, now: number): IdTokenStatus {
  return expiresAt !== undefined && expiresAt <= now ? 'expired' : 'valid';
}

export interface DecodedIdToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** From the `exp` claim, in epoch milliseconds. */
  expiresAt: number | undefined;
  alg: string | undefined;
}

/**
 * The stored ID token decoded for display (it was verified at sign-in). Falls back to the claims
 * stored with it when the token itself cannot be decoded, so the tree still has something to show.
 */
export function decodeStoredIdToken(tokenSet: Pick<TokenSet, 'idToken' | 'idTokenClaims'>): DecodedIdToken | undefined {
  if (tokenSet.idToken === undefined) {
    return undefined;
  }
  let header: Record<string, unknown> = {};
  let claims: Record<string, unknown>;
  try {
    const decoded = decodeJwt(tokenSet.idToken);
    header = decoded.header;
    claims = decoded.claims;
  } catch {
    if (tokenSet.idTokenClaims === undefined) {
      return undefined;
    }
    claims = { ...tokenSet.idTokenClaims };
  }
  const exp = claims.exp;
  return {
    header,
    claims,
    expiresAt: typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined,
    alg: typeof header.alg === 'string' ? header.alg : undefined,
  };
}

export interface AccountFlags {
  selected: boolean;
  refreshable: boolean;
  idToken: boolean;
  /** `openid` granted: the userinfo endpoint works. */
  openid: boolean;
  /** A revoke did not reach LINE: the account was kept for a retry. */
  revokeFailed: boolean;
}

export function accountFlags(
  account: Pick<ListedAccount, 'hasRefreshToken' | 'hasIdToken' | 'scopes' | 'revokeFailure'>,
  selected: boolean,
): AccountFlags {
  return {
    selected,
    // Offered even when the estimate says the refresh token expired: LINE's answer is the authority.
    refreshable: account.hasRefreshToken,
    idToken: account.hasIdToken,
    openid: account.scopes.includes('openid'),
    revokeFailed: account.revokeFailure !== undefined,
  };
}

/**
 * `account[:selected][:refreshable][:idToken][:openid][:revokeFailed]`, in this order, which is what
 * the menus' `/^account.*:refreshable/`-style patterns expect.
 */
export function accountContextValue(flags: AccountFlags): string {
  let value = 'account';
  if (flags.selected) {
    value += ':selected';
  }
  if (flags.refreshable) {
    value += ':refreshable';
  }
  if (flags.idToken) {
    value += ':idToken';
  }
  if (flags.openid) {
    value += ':openid';
  }
  if (flags.revokeFailed) {
    value += ':revokeFailed';
  }
  return value;
}

export function accessTokenContextValue(status: AccessTokenStatus): `token:access:${AccessTokenStatus}` {
  return `token:access:${status}`;
}

export function refreshTokenContextValue(status: RefreshTokenStatus): `token:refresh:${RefreshTokenStatus}` {
  return `token:refresh:${status}`;
}

export function idTokenContextValue(status: IdTokenStatus): `token:id:${IdTokenStatus}` {
  return `token:id:${status}`;
}

/**
 * What an account is called wherever it is listed or named: its display name (see
 * `accountDisplayName` in accountSummary.ts, which is undefined when the user has none), else the
 * user ID. Never empty.
 */
export function accountLabel(tokenSet: Pick<TokenSet, 'userId' | 'profile' | 'idTokenClaims'>): string {
  return accountDisplayName(tokenSet) ?? tokenSet.userId;
}

/** `U1234…cdef`: enough to tell users apart in a list (user IDs are not secrets, just long). */
export function shortUserId(userId: string): string {
  return userId.length <= 12 ? userId : `${userId.slice(0, 5)}…${userId.slice(-4)}`;
}

/** The URL when it is an absolute https URL (the only kind worth loading as a remote icon). */
export function httpsUrl(url: string | undefined): string | undefined {
  if (url === undefined) {
    return undefined;
  }
  try {
    return new URL(url).protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

export function compareAccounts(a: ListedAccount, b: ListedAccount): number {
  return a.label.localeCompare(b.label) || a.userId.localeCompare(b.userId);
}

export interface ChannelGroup {
  channelId: string;
  /** Undefined when the channel is no longer configured but accounts for it are still stored. */
  channel: ChannelConfig | undefined;
  accounts: ListedAccount[];
}

/**
 * Configured channels in settings order, then channels that only stored accounts remember, by ID,
 * so nothing stored is ever hidden.
 */
export function groupAccountsByChannel(
  channels: readonly ChannelConfig[],
  accounts: readonly ListedAccount[],
): ChannelGroup[] {
  const byChannel = new Map<string, ListedAccount[]>();
  for (const account of accounts) {
    const group = byChannel.get(account.channelId);
    if (group === undefined) {
      byChannel.set(account.channelId, [account]);
    } else {
      group.push(account);
    }
  }
  const accountsOf = (channelId: string): ListedAccount[] => (byChannel.get(channelId) ?? []).sort(compareAccounts);
  const configured = new Set(channels.map((channel) => channel.channelId));
  const unknown = [...byChannel.keys()].filter((channelId) => !configured.has(channelId)).sort();
  return [
    ...channels.map((channel) => ({ channelId: channel.channelId, channel, accounts: accountsOf(channel.channelId) })),
    ...unknown.map((channelId) => ({ channelId, channel: undefined, accounts: accountsOf(channelId) })),
  ];
}

/** The selected account, or (without persisting anything) the first one when none is selected. */
export function pickShownAccount(
  channels: readonly ChannelConfig[],
  accounts: readonly ListedAccount[],
  selected: AccountKey | undefined,
): ListedAccount | undefined {
  const chosen = selected === undefined ? undefined : accounts.find((account) => sameAccount(account, selected));
  return chosen ?? groupAccountsByChannel(channels, accounts).flatMap((group) => group.accounts)[0];
}

export function accountKeyOf(tokenSet: AccountKey): AccountKey {
  return { channelId: tokenSet.channelId, userId: tokenSet.userId };
}
