/**
 * `LINE_*` variables in new integrated terminals, for one account the person opted in (so
 * `curl -H "Authorization: Bearer $LINE_ACCESS_TOKEN" …` works). Through the extension's
 * EnvironmentVariableCollection, marked not persistent: VS Code would otherwise save the token in
 * its workspace storage, outside SecretStorage. Only the opted-in account's IDs are remembered
 * (workspaceState); the values are put back from SecretStorage at activation, follow refreshes,
 * and are cleared when the account is signed out. The refresh token is never put in a terminal.
 */
import vscode = require('vscode');
import { DOTENV_VARIABLES } from '../core/exports/dotEnv';
import { sameAccount, type AccountKey, type TokenStore } from '../core/tokenStore';
import type { TokenSet } from '../core/types';
import { STATE_KEYS } from './constants';

export interface TerminalEnvironmentDependencies {
  collection: vscode.GlobalEnvironmentVariableCollection;
  store: Pick<TokenStore, 'get' | 'onDidChange'>;
  state: vscode.Memento;
  apiBaseUrl: () => string;
}

export class TerminalEnvironment implements vscode.Disposable {
  readonly #deps: TerminalEnvironmentDependencies;
  readonly #subscription: { dispose(): void };
  /** Applies run one after another, so a sign-out is never overtaken by a slower earlier refresh. */
  #queue: Promise<void> = Promise.resolve();

  constructor(deps: TerminalEnvironmentDependencies) {
    this.#deps = deps;
    deps.collection.persistent = false;
    deps.collection.clear();
    this.#subscription = deps.store.onDidChange(() => void this.#enqueue());
    void this.#enqueue();
  }

  /** The opted-in account, if any. */
  get account(): AccountKey | undefined {
    const stored = this.#deps.state.get<unknown>(STATE_KEYS.terminalAccount);
    if (typeof stored === 'object' && stored !== null) {
      const { channelId, userId } = stored as Partial<AccountKey>;
      if (typeof channelId === 'string' && typeof userId === 'string') {
        return { channelId, userId };
      }
    }
    return undefined;
  }

  /** Opts `key` in (replacing any other account: the variables hold one account) or, with undefined, out. */
  async use(key: AccountKey | undefined): Promise<void> {
    await this.#deps.state.update(
      STATE_KEYS.terminalAccount,
      key === undefined ? undefined : { channelId: key.channelId, userId: key.userId },
    );
    await this.#enqueue();
  }

  /** Settles when every change so far is applied (the tests wait on it). */
  whenApplied(): Promise<void> {
    return this.#queue;
  }

  #enqueue(): Promise<void> {
    this.#queue = this.#queue
      .then(() => this.#apply())
      .catch(() => {
        this.#deps.collection.clear();
      });
    return this.#queue;
  }

  async #apply(): Promise<void> {
    const key = this.account;
    const tokenSet = key === undefined ? undefined : await this.#deps.store.get(key);
    if (key === undefined || tokenSet === undefined || !sameAccount(key, tokenSet)) {
      if (key !== undefined) {
        // Signed out: forget the opt-in too, so a later sign-in does not silently export again.
        await this.#deps.state.update(STATE_KEYS.terminalAccount, undefined);
      }
      this.#deps.collection.clear();
      return;
    }
    this.#write(tokenSet);
  }

  #write(tokenSet: TokenSet): void {
    const collection = this.#deps.collection;
    collection.clear();
    collection.description = vscode.l10n.t(
      'LINE Login: tokens of user {0} on channel {1}',
      tokenSet.userId,
      tokenSet.channelId,
    );
    collection.replace(DOTENV_VARIABLES.apiBaseUrl, this.#deps.apiBaseUrl());
    collection.replace(DOTENV_VARIABLES.channelId, tokenSet.channelId);
    collection.replace(DOTENV_VARIABLES.userId, tokenSet.userId);
    collection.replace(DOTENV_VARIABLES.accessToken, tokenSet.accessToken);
    if (tokenSet.idToken !== undefined) {
      collection.replace(DOTENV_VARIABLES.idToken, tokenSet.idToken);
    }
  }

  dispose(): void {
    this.#subscription.dispose();
  }
}
