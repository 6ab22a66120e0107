/**
 * `lineLogin.autoRefresh`: off by default, followed live. The refresher is rebuilt when the setting
 * or the endpoints change (its LineAccounts is bound to the endpoints); what it reports goes to the log.
 */
import { messageOf } from '../core/messageOf';
import vscode = require('vscode');
import { AutoRefresher, type AutoRefreshEvent } from '../core/autoRefresh';
import { affectsLineLogin, readAutoRefresh } from './config';
import { SETTINGS } from './constants';
import { offerRetrySaving } from './commands/storeCommands';
import type { WindowServices } from './services';

export class AutoRefreshSetting implements vscode.Disposable {
  readonly #services: WindowServices;
  readonly #subscription: vscode.Disposable;
  #refresher: AutoRefresher | undefined;

  constructor(services: WindowServices) {
    this.#services = services;
    this.#subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (
        affectsLineLogin(event, SETTINGS.autoRefresh) ||
        affectsLineLogin(event, SETTINGS.apiBaseUrl) ||
        affectsLineLogin(event, SETTINGS.authorizeBaseUrl)
      ) {
        this.#apply();
      }
    });
    this.#apply();
  }

  #apply(): void {
    this.#refresher?.dispose();
    this.#refresher = undefined;
    if (!readAutoRefresh()) {
      return;
    }
    try {
      this.#refresher = new AutoRefresher({
        accounts: this.#services.accounts,
        store: this.#services.store,
        now: this.#services.now,
        // The refresher writes its own lines (refreshed, backing off, stopped); the logger redacts them.
        log: (level, message) => {
          this.#services.logger[level](message);
        },
        onEvent: (event) => {
          this.#onEvent(event);
        },
      });
    } catch (error) {
      this.#services.logger.warn(`Auto refresh is off: ${messageOf(error)}`);
    }
  }

  #onEvent(event: AutoRefreshEvent): void {
    if (!event.ok && event.errorCode === 'ERR_STORE_WRITE_FAILED') {
      // LINE issued new tokens that exist only in this window: the person must know to keep it open.
      offerRetrySaving(this.#services);
    }
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#refresher?.dispose();
    this.#refresher = undefined;
  }
}
