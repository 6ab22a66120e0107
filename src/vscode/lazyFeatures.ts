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
 * Registered at activation. The workbench asks every provider for its sessions as soon as it is
 * registered: with no account stored the answer is "none" without loading anything; otherwise, and
 * for every other request, the real provider is loaded. Once the features are loaded for any reason
 * (a sign-in command, say) `attach` connects the real provider's change events.
 */
export class LazyAuthenticationProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  readonly #load: () => void;
  readonly #hasAccounts: () => Promise<boolean>;
  readonly #onDidChangeSessions = new vscode.EventEmitter<SessionsChange>();
  readonly onDidChangeSessions = this.#onDidChangeSessions.event;
  #provider: SessionProvider | undefined;
  #forwarding: vscode.Disposable | undefined;

  /** `load` loads the features, which call `attach` with the real provider. */
  constructor(load: () => void, hasAccounts: () => Promise<boolean>) {
    this.#load = load;
    this.#hasAccounts = hasAccounts;
  }

  attach(provider: SessionProvider): void {
    if (this.#provider !== undefined) {
      return;
    }
    this.#provider = provider;
    this.#forwarding = provider.onDidChangeSessions((event) => {
      this.#onDidChangeSessions.fire(event);
    });
  }

  #real(): SessionProvider {
    this.#load();
    if (this.#provider === undefined) {
      throw new Error('The LINE authentication provider did not load');
    }
    return this.#provider;
  }

  async getSessions(
    scopes: readonly string[] | undefined,
    options: { account?: { id: string } } = {},
  ): Promise<vscode.AuthenticationSession[]> {
    if (this.#provider === undefined && !(await this.#hasAccounts().catch(() => true))) {
      return [];
    }
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
