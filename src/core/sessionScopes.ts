/**
 * The scopes of a `line` authentication session (README "Use LINE sign-in from another extension").
 *
 * Grammar of the list a consumer passes to `vscode.authentication.getSession('line', scopes)`:
 *   - a LINE Login scope: `profile`, `openid` or `email` (LINE's own scope names), any number, and
 *   - at most one `channel:<channelId>` (the channel's numeric ID from the LINE Developers Console).
 * Order and duplicates of LINE scopes do not matter for matching. A session matches when it is on
 * the named channel (any channel when none is named) and LINE granted every LINE scope asked for.
 *
 * VS Code compares a session's `scopes` with the requested ones, so a session is handed back with
 * exactly the list that was asked for; the Accounts menu asks with no scopes and gets each account's
 * canonical list (its granted scopes, sorted, then its `channel:` scope).
 */
import { CHANNEL_ID_PATTERN } from './channels';
import { InputError } from './errors';
import { accountId, type AccountKey } from './tokenStore';
import type { ListedAccount } from './accountListing';
import { LINE_SCOPES, type LineScope, type TokenSet } from './types';

export const CHANNEL_SCOPE_PREFIX = 'channel:';

export interface SessionRequest {
  /** The LINE Login scopes asked for, deduplicated, in LINE_SCOPES order. */
  lineScopes: LineScope[];
  channelId?: string;
}

function isLineScope(scope: string): scope is LineScope {
  return (LINE_SCOPES as readonly string[]).includes(scope);
}

export function parseSessionScopes(scopes: readonly string[]): SessionRequest {
  const asked = new Set<LineScope>();
  let channelId: string | undefined;
  for (const scope of scopes) {
    if (isLineScope(scope)) {
      asked.add(scope);
    } else if (scope.startsWith(CHANNEL_SCOPE_PREFIX)) {
      const id = scope.slice(CHANNEL_SCOPE_PREFIX.length);
      if (!CHANNEL_ID_PATTERN.test(id)) {
        throw new InputError(
          'ERR_INVALID_INPUT',
          `"${scope}" is not a channel scope: use channel:<channel ID>, the digits shown on the channel's Basic settings tab.`,
          'scopes',
        );
      }
      if (channelId !== undefined && channelId !== id) {
        throw new InputError(
          'ERR_INVALID_INPUT',
          'A LINE session belongs to one channel: name at most one channel: scope.',
          'scopes',
        );
      }
      channelId = id;
    } else {
      throw new InputError(
        'ERR_INVALID_INPUT',
        `Unknown scope "${scope}". A LINE session's scopes are profile, openid, email and channel:<channel ID>.`,
        'scopes',
      );
    }
  }
  return {
    lineScopes: LINE_SCOPES.filter((scope) => asked.has(scope)),
    ...(channelId === undefined ? {} : { channelId }),
  };
}

export function sessionMatches(request: SessionRequest, tokenSet: Pick<TokenSet, 'channelId' | 'scopes'>): boolean {
  if (request.channelId !== undefined && request.channelId !== tokenSet.channelId) {
    return false;
  }
  return request.lineScopes.every((scope) => tokenSet.scopes.includes(scope));
}

/** What the Accounts menu (which asks with no scopes) sees for an account. */
export function canonicalSessionScopes(tokenSet: Pick<TokenSet, 'channelId' | 'scopes'>): string[] {
  const granted = LINE_SCOPES.filter((scope) => tokenSet.scopes.includes(scope));
  return [...granted, `${CHANNEL_SCOPE_PREFIX}${tokenSet.channelId}`];
}

/**
 * The account's label in the Accounts menu and in VS Code's trusted-extensions list. VS Code keys
 * an extension's access by this label, so it must not change when the LINE display name does:
 * the channel's name plus the end of the (stable) user ID.
 */
export function sessionAccountLabel(channelName: string, userId: string): string {
  return `${channelName} (…${userId.slice(-6)})`;
}

export interface SessionSnapshot {
  id: string;
  /**
   * Changes whenever the account's access token does: its expiry time (every token LINE issues comes
   * with its own expires_in), read from the listing so that no token is read to find what changed.
   */
  version: string;
}

export interface SessionChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

/** Account IDs added, removed, or with a new access token between two snapshots of the store. */
export function diffSessions(before: readonly SessionSnapshot[], after: readonly SessionSnapshot[]): SessionChanges {
  const previous = new Map(before.map((entry) => [entry.id, entry.version]));
  const current = new Map(after.map((entry) => [entry.id, entry.version]));
  return {
    added: [...current.keys()].filter((id) => !previous.has(id)),
    removed: [...previous.keys()].filter((id) => !current.has(id)),
    changed: [...current].filter(([id, token]) => previous.has(id) && previous.get(id) !== token).map(([id]) => id),
  };
}

export function sessionSnapshot(accounts: readonly ListedAccount[]): SessionSnapshot[] {
  return accounts.map((account) => ({ id: accountId(account), version: String(account.accessTokenExpiresAt) }));
}

/** `channelId/userId` back to a key; undefined for anything else. */
export function accountKeyFromSessionId(sessionId: string): AccountKey | undefined {
  const match = /^([0-9]{1,20})\/([^/\s]+)$/.exec(sessionId);
  return match?.[1] === undefined || match[2] === undefined ? undefined : { channelId: match[1], userId: match[2] };
}
