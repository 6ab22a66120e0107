/** The account the status bar shows and palette commands default to. Only IDs, in globalState. */
import vscode = require('vscode');
import { sameAccount, type AccountKey } from '../core/tokenStore';
import { STATE_KEYS } from './constants';

export class AccountSelection implements vscode.Disposable {
  readonly #state: vscode.Memento;
  readonly #onDidChange = new vscode.EventEmitter<AccountKey | undefined>();
  readonly onDidChange = this.#onDidChange.event;

  constructor(state: vscode.Memento) {
    this.#state = state;
  }

  get(): AccountKey | undefined {
    const stored = this.#state.get<unknown>(STATE_KEYS.selectedAccount);
    if (typeof stored === 'object' && stored !== null) {
      const { channelId, userId } = stored as Partial<AccountKey>;
      if (typeof channelId === 'string' && typeof userId === 'string') {
        return { channelId, userId };
      }
    }
    return undefined;
  }

  is(key: AccountKey): boolean {
    const selected = this.get();
    return selected !== undefined && sameAccount(selected, key);
  }

  async set(key: AccountKey | undefined): Promise<void> {
    await this.#state.update(
      STATE_KEYS.selectedAccount,
      key === undefined ? undefined : { channelId: key.channelId, userId: key.userId },
    );
    this.#onDidChange.fire(key);
  }

  dispose(): void {
    this.#onDidChange.dispose();
  }
}
