/**
 * The parts of activation that stand in for features.ts until it is loaded: the authentication
 * provider VS Code must know from the start, and the check whether something that runs without a
 * command (auto refresh, terminal variables, followed .env files) needs the features now.
 */
import vscode = require('vscode');
import { readAutoRefresh } from './config';
import { STATE_KEYS } from './constants';

type SessionsChange = vscode.AuthenticationProviderAuthenticationSessionsChangeEvent;

/** What features.ts's LineAuthenticationProvider offers; the stub forwards to it once loaded. */
export interface SessionProvider {
  readonly onDidChangeSessions: vscode.Event<SessionsChange>;
  getSessions(
    scopes: readonly string[] | undefined,
    options?: { account?: { id: string } },
  ): Promise<vscode.AuthenticationSession[]>;
  createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession>;
  removeSession(sessionId: string): Promise<void>;
}

/**
 * Registered at activation; loads the real provider on the first request. Nobody can have seen a
 * session before that request, so no change event is missed while the real provider is not loaded.
 */
export class LazyAuthenticationProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  readonly #load: () => SessionProvider;
  readonly #onDidChangeSessions = new vscode.EventEmitter<SessionsChange>();
  readonly onDidChangeSessions = this.#onDidChangeSessions.event;
  #provider: SessionProvider | undefined;
  #forwarding: vscode.Disposable | undefined;

  constructor(load: () => SessionProvider) {
    this.#load = load;
  }

  #real(): SessionProvider {
    if (this.#provider === undefined) {
      this.#provider = this.#load();
      this.#forwarding = this.#provider.onDidChangeSessions((event) => {
        this.#onDidChangeSessions.fire(event);
      });
    }
    return this.#provider;
  }

  getSessions(
    scopes: readonly string[] | undefined,
    options: { account?: { id: string } } = {},
  ): Promise<vscode.AuthenticationSession[]> {
    return this.#real().getSessions(scopes, options);
  }

  createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    return this.#real().createSession(scopes);
  }

  removeSession(sessionId: string): Promise<void> {
    return this.#real().removeSession(sessionId);
  }

  dispose(): void {
    this.#forwarding?.dispose();
    this.#onDidChangeSessions.dispose();
  }
}

/** Whether work that runs without a command is switched on, so the features must load now. */
export function featuresNeededAtStart(state: { workspaceState: vscode.Memento; globalState: vscode.Memento }): boolean {
  const followed = state.globalState.get<unknown>(STATE_KEYS.followedDotEnvExports);
  return (
    readAutoRefresh() ||
    state.workspaceState.get<unknown>(STATE_KEYS.terminalAccount) !== undefined ||
    (Array.isArray(followed) && followed.length > 0)
  );
}
