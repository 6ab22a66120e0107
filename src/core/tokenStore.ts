/**
 * Where token sets live. The core defines the interface and an in-memory implementation for tests;
 * the VS Code layer implements it over SecretStorage. Accounts are keyed by channel and `sub`
 * (never by name or email: LINE user IDs are stable per provider, names are not).
 */
import type { TokenSet } from './types';

export interface AccountKey {
  channelId: string;
  userId: string;
}

export interface Disposable {
  dispose(): void;
}

export interface TokenStore {
  list(): Promise<TokenSet[]>;
  get(key: AccountKey): Promise<TokenSet | undefined>;
  /** Replaces the whole set for the account in one write. */
  put(tokenSet: TokenSet): Promise<void>;
  delete(key: AccountKey): Promise<boolean>;
  deleteChannel(channelId: string): Promise<number>;
  /** Fires after any change, including changes made by another VS Code window. */
  onDidChange(listener: () => void): Disposable;
}

export function accountId(key: AccountKey): string {
  return `${key.channelId}/${key.userId}`;
}

export function sameAccount(a: AccountKey, b: AccountKey): boolean {
  return a.channelId === b.channelId && a.userId === b.userId;
}

/** Shared by every store: a snapshot map of accounts with change listeners. */
export abstract class SnapshotTokenStore implements TokenStore {
  readonly #listeners = new Set<() => void>();
  /** Read-modify-write steps run one after another, so concurrent puts never lose an account. */
  #queue: Promise<unknown> = Promise.resolve();

  protected serialize<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation, operation);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  protected abstract readAll(): Promise<Map<string, TokenSet>>;
  protected abstract writeAll(accounts: Map<string, TokenSet>): Promise<void>;

  async list(): Promise<TokenSet[]> {
    return [...(await this.readAll()).values()];
  }

  async get(key: AccountKey): Promise<TokenSet | undefined> {
    return (await this.readAll()).get(accountId(key));
  }

  put(tokenSet: TokenSet): Promise<void> {
    return this.serialize(async () => {
      const accounts = await this.readAll();
      accounts.set(accountId(tokenSet), structuredClone(tokenSet));
      await this.writeAll(accounts);
      this.fireChange();
    });
  }

  delete(key: AccountKey): Promise<boolean> {
    return this.#removeWhere((tokenSet) => sameAccount(tokenSet, key)).then((count) => count > 0);
  }

  deleteChannel(channelId: string): Promise<number> {
    return this.#removeWhere((tokenSet) => tokenSet.channelId === channelId);
  }

  #removeWhere(predicate: (tokenSet: TokenSet) => boolean): Promise<number> {
    return this.serialize(async () => {
      const accounts = await this.readAll();
      let count = 0;
      for (const [id, tokenSet] of accounts) {
        if (predicate(tokenSet)) {
          accounts.delete(id);
          count += 1;
        }
      }
      if (count > 0) {
        await this.writeAll(accounts);
        this.fireChange();
      }
      return count;
    });
  }

  onDidChange(listener: () => void): Disposable {
    this.#listeners.add(listener);
    return { dispose: () => this.#listeners.delete(listener) };
  }

  protected fireChange(): void {
    for (const listener of [...this.#listeners]) {
      listener();
    }
  }
}

export class InMemoryTokenStore extends SnapshotTokenStore {
  #accounts = new Map<string, TokenSet>();

  protected readAll(): Promise<Map<string, TokenSet>> {
    return Promise.resolve(new Map([...this.#accounts].map(([id, set]) => [id, structuredClone(set)])));
  }

  protected writeAll(accounts: Map<string, TokenSet>): Promise<void> {
    this.#accounts = new Map(accounts);
    return Promise.resolve();
  }
}
