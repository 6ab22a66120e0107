/**
 * The long-lived objects of one window. The LINE client, JWKS cache and account operations depend
 * on the endpoint settings, so they are rebuilt when those change (and fail with a clear error
 * while a setting is invalid).
 */
import vscode = require('vscode');
import { LineAccounts } from '../core/accounts';
import { createLineJwks, type LineJwks } from '../core/idToken';
import { LineLoginClient } from '../core/lineClient';
import type { MachineLock } from '../core/machineLock';
import type { LoginFlowDependencies, SignInStage } from '../core/loginFlow';
import type { TokenSet } from '../core/types';
import type { AccountSelection } from './accountSelection';
import type { ChannelRegistry } from './channelRegistry';
import { affectsLineLogin, readEndpoints } from './config';
import { SETTINGS } from './constants';
import type { Logger } from './logger';
import type { SecretTokenStore } from './secretTokenStore';
import { FlowRecorder } from '../core/inspector/recorder';

/** A loopback sign-in stage and when it happened (`performance.now()`); read by the benchmark through TestHooks. */
export interface SignInStageEvent {
  readonly stage: SignInStage;
  readonly at: number;
}

interface EndpointBound {
  client: LineLoginClient;
  jwks: LineJwks;
  accounts: LineAccounts;
}

export class WindowServices implements vscode.Disposable {
  #bound: EndpointBound | undefined;
  readonly #subscriptions: { dispose(): void }[];
  readonly #onSignInStage = new vscode.EventEmitter<SignInStageEvent>();
  readonly onSignInStage = this.#onSignInStage.event;
  /** The Inspector's trace of every LINE request this window makes (issue 11). */
  readonly recorder: FlowRecorder;

  constructor(
    readonly logger: Logger,
    readonly channels: ChannelRegistry,
    readonly store: SecretTokenStore,
    readonly selection: AccountSelection,
    /** The lock every window on this machine shares (the store uses the same one). */
    readonly lock: MachineLock,
    /** The one clock of this window (epoch ms): commands, the tree and the status bar read it. */
    readonly now: () => number = Date.now,
  ) {
    const platformFetch = (input: string, init: RequestInit): Promise<Response> => fetch(input, init);
    this.recorder = new FlowRecorder({ now, probeFetch: platformFetch });
    this.#subscriptions = [
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsLineLogin(event, SETTINGS.apiBaseUrl) || affectsLineLogin(event, SETTINGS.authorizeBaseUrl)) {
          this.#bound = undefined;
        }
      }),
    ];
  }

  /** Registers a token set's tokens with the log's redactor: the one way tokens reach it. */
  rememberTokens(tokenSet: Pick<TokenSet, 'accessToken' | 'refreshToken' | 'idToken'>): void {
    this.logger.redactor.addTokenSet(tokenSet);
  }

  #bind(): EndpointBound {
    if (this.#bound === undefined) {
      const endpoints = readEndpoints();
      const client = new LineLoginClient({
        endpoints,
        fetch: this.recorder.wrapFetch((input, init) => fetch(input, init)),
        onRequest: (entry) => {
          this.logger.request(entry);
        },
      });
      const jwks = createLineJwks(endpoints.apiBaseUrl);
      const accounts = new LineAccounts({
        client,
        store: this.store,
        jwks,
        channelCredentials: (channelId) => this.credentials(channelId),
        lock: this.lock,
        now: this.now,
      });
      this.#bound = { client, jwks, accounts };
    }
    return this.#bound;
  }

  get client(): LineLoginClient {
    return this.#bind().client;
  }

  get jwks(): LineJwks {
    return this.#bind().jwks;
  }

  get accounts(): LineAccounts {
    return this.#bind().accounts;
  }

  loginDependencies(): LoginFlowDependencies {
    const { client, jwks } = this.#bind();
    return { client, jwks, store: this.store, now: this.now, observer: this.recorder.signInObserver };
  }

  /** Channel credentials; the secret is registered with the log redactor before anyone uses it. */
  async credentials(channelId: string): Promise<{ channelId: string; channelSecret: string }> {
    const credentials = await this.channels.credentials(channelId);
    this.logger.redactor.add(credentials.channelSecret);
    return credentials;
  }

  fireSignInStage(stage: SignInStage): void {
    this.#onSignInStage.fire({ stage, at: performance.now() });
  }

  dispose(): void {
    for (const subscription of this.#subscriptions) {
      subscription.dispose();
    }
    this.#onSignInStage.dispose();
  }
}
