/**
 * The `line` authentication provider: this extension's accounts as VS Code authentication sessions,
 * so another extension calls `vscode.authentication.getSession('line', ['profile', 'channel:…'])`
 * and the Accounts menu lists LINE accounts with Sign Out and Manage Trusted Extensions. VS Code
 * asks the person before handing a session to an extension, naming that extension.
 * Scope grammar: src/core/sessionScopes.ts and the README.
 */
import vscode = require('vscode');
import { channelLabel } from '../../core/channels';
import { LineSessions, type LineSession } from '../../core/lineSessions';
import {
  accountKeyFromSessionId,
  diffSessions,
  parseSessionScopes,
  sessionMatches,
  sessionSnapshot,
  type SessionSnapshot,
} from '../../core/sessionScopes';
import { TokenError } from '../../core/errors';
import type { AccountSummary } from '../../core/accountSummary';
import { COMMANDS } from '../constants';
import { pickChannel } from '../pickers';
import type { WindowServices } from '../services';

export class LineAuthenticationProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  readonly #services: WindowServices;
  readonly #sessions: LineSessions;
  readonly #onDidChangeSessions =
    new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.#onDidChangeSessions.event;
  readonly #subscriptions: { dispose(): unknown }[] = [];
  /** What the last change event was computed against; starts as the store's content at activation. */
  #snapshot: Promise<SessionSnapshot[]>;

  constructor(services: WindowServices) {
    this.#services = services;
    this.#sessions = new LineSessions({
      store: services.store,
      refresh: (key) => services.accounts.refresh(key),
      channelName: (channelId) => {
        const channel = services.channels.get(channelId);
        return channel === undefined ? undefined : channelLabel(channel);
      },
      now: services.now,
      onRefreshFailed: (key, code) => {
        services.logger.warn(
          `A session for channel ${key.channelId}, user ${key.userId} was handed out unrefreshed: ${code ?? 'unknown error'}.`,
        );
      },
    });
    this.#snapshot = this.#read().then(sessionSnapshot, () => []);
    // The store fires for this window's writes and for SecretStorage changes from other windows.
    const listener = services.store.onDidChange(() => {
      this.#snapshot = this.#snapshot.then((before) => this.#fireChanges(before));
    });
    this.#subscriptions.push(listener, this.#onDidChangeSessions);
  }

  /** The listing, not the tokens: most changes (another window's, a redraw's) are found without reading any. */
  #read(): ReturnType<WindowServices['store']['listAccounts']> {
    return this.#services.store.listAccounts();
  }

  async #fireChanges(before: SessionSnapshot[]): Promise<SessionSnapshot[]> {
    let after;
    try {
      after = sessionSnapshot(await this.#read());
    } catch {
      return before;
    }
    const changes = diffSessions(before, after);
    if (changes.added.length + changes.removed.length + changes.changed.length === 0) {
      return after;
    }
    let tokenSets;
    try {
      tokenSets = changes.added.length + changes.changed.length === 0 ? [] : await this.#services.store.list();
    } catch {
      return before;
    }
    const byId = new Map(tokenSets.map((tokenSet) => [`${tokenSet.channelId}/${tokenSet.userId}`, tokenSet]));
    const present = (ids: string[]): vscode.AuthenticationSession[] =>
      ids.flatMap((id) => {
        const tokenSet = byId.get(id);
        return tokenSet === undefined ? [] : [this.#sessions.toSession(tokenSet)];
      });
    // A removed account is gone from the store: VS Code needs only its id and account to drop it.
    const removed = changes.removed.map((id) => {
      const label = this.#labelOfRemoved(id);
      return { id, accessToken: '', account: { id, label }, scopes: [] } satisfies vscode.AuthenticationSession;
    });
    this.#onDidChangeSessions.fire({ added: present(changes.added), removed, changed: present(changes.changed) });
    return after;
  }

  #labelOfRemoved(id: string): string {
    const key = accountKeyFromSessionId(id);
    if (key === undefined) {
      return id;
    }
    return this.#sessions.toSession({
      channelId: key.channelId,
      userId: key.userId,
      accessToken: '',
      tokenType: 'Bearer',
      scopes: [],
      accessTokenIssuedAt: 0,
      accessTokenExpiresAt: 0,
      originalIssuedAt: 0,
    }).account.label;
  }

  async getSessions(
    scopes: readonly string[] | undefined,
    // VS Code ≥ 1.93 passes `{ account }` (AuthenticationProviderSessionOptions); @types/vscode 1.90 predates it.
    options: { account?: { id: string } } = {},
  ): Promise<vscode.AuthenticationSession[]> {
    return this.#sessions.getSessions(scopes, options.account === undefined ? {} : { accountId: options.account.id });
  }

  /** Runs the same sign-in as lineLogin.signIn: the channel from the `channel:` scope, or the person picks one. */
  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    const request = parseSessionScopes(scopes);
    const channelId =
      request.channelId ??
      (await pickChannel(this.#services, vscode.l10n.t('Sign in to which LINE channel?')))?.channelId;
    if (channelId === undefined) {
      throw new vscode.CancellationError();
    }
    const summary = await vscode.commands.executeCommand<AccountSummary | undefined>(COMMANDS.signIn, {
      channelId,
      ...(request.lineScopes.length === 0 ? {} : { scopes: request.lineScopes }),
    });
    if (summary === undefined) {
      throw new vscode.CancellationError();
    }
    const tokenSet = await this.#services.store.get({ channelId, userId: summary.userId });
    if (tokenSet === undefined || !sessionMatches(request, tokenSet)) {
      throw new TokenError(
        'ERR_ACCOUNT_NOT_FOUND',
        `LINE granted ${tokenSet?.scopes.join(' ') ?? 'nothing'}, not every scope asked for (${request.lineScopes.join(' ')}). Check the channel's permissions (email needs approval on the OpenID Connect setting).`,
        { channelId, userId: summary.userId },
      );
    }
    const session: LineSession = this.#sessions.toSession(tokenSet, scopes);
    return session;
  }

  /** Sign Out in the Accounts menu: local only, like lineLogin.signOut (LINE is not told). */
  async removeSession(sessionId: string): Promise<void> {
    const key = accountKeyFromSessionId(sessionId);
    if (key !== undefined) {
      await this.#services.accounts.signOut(key);
    }
  }

  dispose(): void {
    for (const subscription of this.#subscriptions) {
      subscription.dispose();
    }
  }
}
