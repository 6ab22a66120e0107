/**
 * `lineLogin.autoRefresh`: off by default, followed live. The refresher is rebuilt when the setting
 * or the endpoints change (its LineAccounts is bound to the endpoints); what it reports goes to the log.
 */
import { messageOf } from '../core/messageOf';
import vscode = require('vscode');
import { AutoRefresher, type AutoRefreshEvent } from '../core/autoRefresh';
import { accountId } from '../core/tokenStore';
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
        onEvent: (event) => {
          this.#log(event);
        },
      });
    } catch (error) {
      this.#services.logger.warn(`Auto refresh is off: ${messageOf(error)}`);
    }
  }

  #log(event: AutoRefreshEvent): void {
    const logger = this.#services.logger;
    const account = accountId(event.account);
    if (event.ok) {
      logger.info(`Auto refresh: ${account} refreshed.`);
    } else if (event.stopped === true) {
      logger.warn(`Auto refresh: ${account} stopped (${event.errorCode ?? ''}); sign in again.`);
    } else {
      logger.warn(
        `Auto refresh: ${account} failed (${event.errorCode ?? ''}); next try at ${new Date(event.retryAt ?? 0).toISOString()}.`,
      );
      if (event.errorCode === 'ERR_STORE_WRITE_FAILED') {
        // LINE issued new tokens that exist only in this window: the person must know to keep it open.
        offerRetrySaving(this.#services);
      }
    }
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#refresher?.dispose();
    this.#refresher = undefined;
  }
}
