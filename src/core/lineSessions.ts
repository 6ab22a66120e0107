/**
 * The sessions the `line` authentication provider hands to other extensions, decided here so the
 * matching and the refresh-before-handing-out run under plain node against the emulator.
 */
import { isLineLoginError, type LineLoginErrorCode } from './errors';
import {
  canonicalSessionScopes,
  parseSessionScopes,
  sessionAccountLabel,
  sessionMatches,
  type SessionRequest,
} from './sessionScopes';
import { accountId, type AccountKey, type TokenStore } from './tokenStore';
import type { TokenSet } from './types';

/** A token this close to expiry is refreshed before it is handed to another extension. */
export const SESSION_REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** The shape of `vscode.AuthenticationSession`, without depending on vscode in the core. */
export interface LineSession {
  id: string;
  accessToken: string;
  account: { id: string; label: string };
  scopes: readonly string[];
}

export interface LineSessionsDependencies {
  store: Pick<TokenStore, 'list'>;
  /** The single-flight refresh of LineAccounts (its guarantees: one request per account, nothing lost on failure). */
  refresh: (key: AccountKey) => Promise<TokenSet>;
  /** The channel's configured name, or undefined when it has none. */
  channelName: (channelId: string) => string | undefined;
  now: () => number;
  /** Told when a refresh before handing out a session failed; the session is returned with the token it has. */
  onRefreshFailed?: (key: AccountKey, code: LineLoginErrorCode | undefined) => void;
}

export class LineSessions {
  readonly #deps: LineSessionsDependencies;

  constructor(deps: LineSessionsDependencies) {
    this.#deps = deps;
  }

  toSession(tokenSet: TokenSet, scopes: readonly string[] = canonicalSessionScopes(tokenSet)): LineSession {
    const id = accountId(tokenSet);
    const channelName = this.#deps.channelName(tokenSet.channelId) ?? tokenSet.channelId;
    return {
      id,
      accessToken: tokenSet.accessToken,
      account: { id, label: sessionAccountLabel(channelName, tokenSet.userId) },
      scopes: [...scopes],
    };
  }

  /**
   * Sessions matching `scopes` (every account when undefined), optionally only `accountId`'s.
   * Throws InputError for scopes outside the grammar (sessionScopes.ts).
   */
  async getSessions(
    scopes: readonly string[] | undefined,
    options: { accountId?: string } = {},
  ): Promise<LineSession[]> {
    const request: SessionRequest | undefined = scopes === undefined ? undefined : parseSessionScopes(scopes);
    const matching = (await this.#deps.store.list()).filter(
      (tokenSet) =>
        (options.accountId === undefined || accountId(tokenSet) === options.accountId) &&
        (request === undefined || sessionMatches(request, tokenSet)),
    );
    const fresh = await Promise.all(matching.map((tokenSet) => this.#freshEnough(tokenSet)));
    return fresh.map((tokenSet) => this.toSession(tokenSet, scopes));
  }

  async #freshEnough(tokenSet: TokenSet): Promise<TokenSet> {
    if (
      tokenSet.refreshToken === undefined ||
      tokenSet.accessTokenExpiresAt - this.#deps.now() > SESSION_REFRESH_MARGIN_MS
    ) {
      return tokenSet;
    }
    const key = { channelId: tokenSet.channelId, userId: tokenSet.userId };
    try {
      return await this.#deps.refresh(key);
    } catch (error) {
      if (!isLineLoginError(error)) {
        throw error;
      }
      // The consumer gets the token it would have had; its API call then says what is wrong, and
      // the refresh failure is in this extension's log and tree.
      this.#deps.onRefreshFailed?.(key, error.code);
      return tokenSet;
    }
  }
}
