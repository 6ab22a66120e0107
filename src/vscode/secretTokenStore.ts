/**
 * Token sets in VS Code's SecretStorage (security checklist §12): one JSON document under one key,
 * so each change is one atomic write. `secrets.onDidChange` fires for writes from other windows too
 * (checklist §15), which is how every window's tree stays current.
 */
import type * as vscode from 'vscode';
import { TokenError } from '../core/errors';
import { accountId, SnapshotTokenStore } from '../core/tokenStore';
import type { TokenSet } from '../core/types';
import { SECRET_KEYS } from './constants';

interface StoredAccounts {
  version: 1;
  accounts: TokenSet[];
}

export class SecretTokenStore extends SnapshotTokenStore implements vscode.Disposable {
  readonly #secrets: vscode.SecretStorage;
  readonly #subscription: vscode.Disposable;
  /** What this window last wrote, to tell its own change events from another window's. */
  #lastWritten: string | undefined;

  constructor(secrets: vscode.SecretStorage) {
    super();
    this.#secrets = secrets;
    this.#subscription = secrets.onDidChange((event) => {
      if (event.key === SECRET_KEYS.accounts) {
        void this.#secrets.get(SECRET_KEYS.accounts).then((value) => {
          if (value !== this.#lastWritten) {
            this.#lastWritten = value;
            this.fireChange();
          }
        });
      }
    });
  }

  protected async readAll(): Promise<Map<string, TokenSet>> {
    const stored = await this.#secrets.get(SECRET_KEYS.accounts);
    if (stored === undefined || stored === '') {
      return new Map();
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(stored);
    } catch {
      // Never overwrite what we cannot read: the user may still want those tokens.
      throw new TokenError(
        'ERR_STORE_CORRUPT',
        'The stored LINE Login tokens could not be read. Sign in again; nothing was overwritten.',
      );
    }
    if (!isStoredAccounts(parsed)) {
      throw new TokenError(
        'ERR_STORE_CORRUPT',
        'The stored LINE Login tokens have an unknown format. Sign in again; nothing was overwritten.',
      );
    }
    return new Map(parsed.accounts.map((tokenSet) => [accountId(tokenSet), tokenSet]));
  }

  protected async writeAll(accounts: Map<string, TokenSet>): Promise<void> {
    const value = JSON.stringify({ version: 1, accounts: [...accounts.values()] } satisfies StoredAccounts);
    this.#lastWritten = value;
    await this.#secrets.store(SECRET_KEYS.accounts, value);
  }

  dispose(): void {
    this.#subscription.dispose();
  }
}

function isStoredAccounts(value: unknown): value is StoredAccounts {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const record = value as { version?: unknown; accounts?: unknown };
  return (
    record.version === 1 &&
    Array.isArray(record.accounts) &&
    record.accounts.every(
      (item: unknown) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as TokenSet).channelId === 'string' &&
        typeof (item as TokenSet).userId === 'string' &&
        typeof (item as TokenSet).accessToken === 'string' &&
        typeof (item as TokenSet).accessTokenExpiresAt === 'number',
    )
  );
}
