/**
 * The accounts as lists show them (the token explorer's channels and accounts, the status bar): one
 * small entry per account with no token, code, nonce or secret in it. The store writes this listing
 * next to the accounts document on every change, so a redraw, and another window's change, read a
 * few hundred bytes per account instead of the whole document with its tokens (issue 15,
 * docs/performance.md). The tokens themselves are read when an account is opened.
 */
import { accountLabel, httpsUrl } from './accountModel';
import type { AccountKey } from './tokenStore';
import type { TokenSet } from './types';
import { isRecord } from './jsonRecord';

export interface ListedAccount extends AccountKey {
  /** The display name, else the user ID: what the account is called wherever it is listed. */
  label: string;
  /** An absolute https URL of the profile picture, when the account has one. */
  pictureUrl?: string;
  scopes: string[];
  /** The original sign-in, epoch ms. */
  originalIssuedAt: number;
  accessTokenExpiresAt: number;
  hasRefreshToken: boolean;
  hasIdToken: boolean;
  revokeFailure?: { at: number; errorCode: string };
}

/** What the store keeps under its listing key: the generation of the accounts document it lists. */
export interface AccountListing {
  generation: number;
  accounts: ListedAccount[];
}

export function listedAccount(tokenSet: TokenSet): ListedAccount {
  const listed: ListedAccount = {
    channelId: tokenSet.channelId,
    userId: tokenSet.userId,
    label: accountLabel(tokenSet),
    scopes: [...tokenSet.scopes],
    originalIssuedAt: tokenSet.originalIssuedAt,
    accessTokenExpiresAt: tokenSet.accessTokenExpiresAt,
    hasRefreshToken: tokenSet.refreshToken !== undefined,
    hasIdToken: tokenSet.idToken !== undefined,
  };
  const pictureUrl = httpsUrl(tokenSet.profile?.pictureUrl ?? tokenSet.idTokenClaims?.picture);
  if (pictureUrl !== undefined) {
    listed.pictureUrl = pictureUrl;
  }
  if (tokenSet.revokeFailure !== undefined) {
    listed.revokeFailure = { at: tokenSet.revokeFailure.at, errorCode: tokenSet.revokeFailure.errorCode };
  }
  return listed;
}

export function serializeListing(listing: AccountListing): string {
  return JSON.stringify({ version: 1, generation: listing.generation, accounts: listing.accounts });
}

/**
 * The listing, or undefined when the text is not one this version wrote whole: the caller then
 * lists from the accounts document itself, which is always the authority.
 */
export function parseListing(raw: string | undefined): AccountListing | undefined {
  if (raw === undefined || raw === '') {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (
    !isRecord(parsed) ||
    parsed.version !== 1 ||
    typeof parsed.generation !== 'number' ||
    !Number.isSafeInteger(parsed.generation) ||
    parsed.generation < 0 ||
    !Array.isArray(parsed.accounts)
  ) {
    return undefined;
  }
  const accounts = parsed.accounts as unknown[];
  return accounts.every(isListedAccount) ? { generation: parsed.generation, accounts } : undefined;
}

function isListedAccount(value: unknown): value is ListedAccount {
  if (!isRecord(value)) {
    return false;
  }
  const failure = value.revokeFailure;
  return (
    typeof value.channelId === 'string' &&
    typeof value.userId === 'string' &&
    typeof value.label === 'string' &&
    value.label !== '' &&
    (value.pictureUrl === undefined || typeof value.pictureUrl === 'string') &&
    Array.isArray(value.scopes) &&
    value.scopes.every((scope) => typeof scope === 'string') &&
    Number.isFinite(value.originalIssuedAt) &&
    Number.isFinite(value.accessTokenExpiresAt) &&
    typeof value.hasRefreshToken === 'boolean' &&
    typeof value.hasIdToken === 'boolean' &&
    (failure === undefined ||
      (isRecord(failure) && Number.isFinite(failure.at) && typeof failure.errorCode === 'string'))
  );
}
