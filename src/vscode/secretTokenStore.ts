/**
 * Token sets in VS Code's SecretStorage (docs/security.md §12): one JSON document under one key,
 * changed under the machine-wide lock (see core/tokenStore.ts). `secrets.onDidChange` fires for
 * writes from other windows too (docs/security.md §15), which is how every window's tree stays current.
 *
 * Runs under plain node as well (only types come from `vscode`), so the unit tests and the
 * two-process test drive this very class over a SecretStorage stand-in.
 */
import type * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { FileLock } from '../core/fileLock';
import { FileGenerationMark, type MachineLock } from '../core/machineLock';
import { accountId, SnapshotTokenStore, type StoredDocument, type TokenStoreOptions } from '../core/tokenStore';
import type { TokenSet } from '../core/types';
import { SECRET_KEYS } from './constants';

/** What this store uses of vscode.SecretStorage (which satisfies it), so tests can stand in for it. */
export interface SecretStorageLike {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
  onDidChange(listener: (event: { readonly key: string }) => unknown): { dispose(): unknown };
}

interface StoredAccounts {
  version: 1;
  /** Counts writes (see GenerationMark); absent in documents written by earlier versions. */
  generation?: number;
  accounts: TokenSet[];
}

export interface SecretTokenStoreOptions extends TokenStoreOptions {
  /** Names the set-aside copies by time. */
  now?: () => number;
}

export class SecretTokenStore extends SnapshotTokenStore implements vscode.Disposable {
  readonly #secrets: SecretStorageLike;
  readonly #now: () => number;
  readonly #subscription: { dispose(): unknown };
  /** What this window last wrote, to tell its own change events from another window's. */
  #lastWritten: string | undefined;

  constructor(secrets: SecretStorageLike, options: SecretTokenStoreOptions = {}) {
    super(options);
    this.#secrets = secrets;
    this.#now = options.now ?? Date.now;
    this.#subscription = secrets.onDidChange((event) => {
      if (event.key === SECRET_KEYS.accounts) {
        void Promise.resolve(this.#secrets.get(SECRET_KEYS.accounts)).then(
          (value) => {
            if (value !== this.#lastWritten) {
              this.#lastWritten = value;
              this.fireChange();
            }
          },
          () => {
            // Unreadable now: the next read reports it.
            this.fireChange();
          },
        );
      }
    });
  }

  protected async readDocument(): Promise<StoredDocument> {
    const stored = await this.#secrets.get(SECRET_KEYS.accounts);
    if (stored === undefined || stored === '') {
      // Generation 0, not "unknown": a window that has not seen the first write yet must wait for it.
      return { accounts: new Map(), generation: 0 };
    }
    return parseAccountsDocument(stored);
  }

  protected async writeDocument(accounts: readonly TokenSet[], generation: number): Promise<void> {
    const value = JSON.stringify({ version: 1, generation, accounts: [...accounts] } satisfies StoredAccounts);
    this.#lastWritten = value;
    await this.#secrets.store(SECRET_KEYS.accounts, value);
  }

  protected async setAside(raw: string): Promise<string> {
    const key = `${SECRET_KEYS.accountsSetAsidePrefix}${new Date(this.#now()).toISOString()}.${randomBytes(4).toString('hex')}`;
    await this.#secrets.store(key, raw);
    const index = await this.#setAsideKeys();
    await this.#secrets.store(SECRET_KEYS.accountsSetAsideIndex, JSON.stringify([...index, key]));
    return key;
  }

  protected async probeWrite(): Promise<void> {
    const value = randomBytes(16).toString('hex');
    await this.#secrets.store(SECRET_KEYS.storeProbe, value);
    const readBack = await this.#secrets.get(SECRET_KEYS.storeProbe);
    await this.#secrets.delete(SECRET_KEYS.storeProbe);
    if (readBack !== value) {
      throw new Error('a value written to secret storage did not read back');
    }
  }

  protected async removeSetAside(): Promise<number> {
    const keys = await this.#setAsideKeys();
    for (const key of keys) {
      await this.#secrets.delete(key);
    }
    await this.#secrets.delete(SECRET_KEYS.accountsSetAsideIndex);
    return keys.length;
  }

  /** The set-aside keys on record; an unreadable list is taken as empty (the copies stay where they are). */
  async #setAsideKeys(): Promise<string[]> {
    const stored = await this.#secrets.get(SECRET_KEYS.accountsSetAsideIndex);
    try {
      const parsed: unknown = JSON.parse(stored ?? '[]');
      return Array.isArray(parsed)
        ? parsed.filter(
            (key): key is string => typeof key === 'string' && key.startsWith(SECRET_KEYS.accountsSetAsidePrefix),
          )
        : [];
    } catch {
      return [];
    }
  }

  dispose(): void {
    this.#subscription.dispose();
  }
}

/**
 * The window's store and the lock it shares with every other window of this machine: a folder in
 * the extension's global storage, which every window and profile shares (microsoft/vscode#160466).
 * A remote extension host has its own, so windows on different hosts are not coordinated.
 */
export function openTokenStore(
  secrets: SecretStorageLike,
  globalStorage: { fsPath: string },
  logger: { warn(message: string): void },
): { lock: MachineLock; store: SecretTokenStore } {
  const directory = join(globalStorage.fsPath, 'locks');
  const lock = new FileLock(directory, {
    onCompromised: (error) => {
      logger.warn(`A store lock was taken over while held (was this window suspended?): ${error.message}`);
    },
  });
  const store = new SecretTokenStore(secrets, {
    lock,
    generation: new FileGenerationMark(join(directory, 'accounts.generation')),
    onWarning: (message) => {
      logger.warn(message);
    },
  });
  return { lock, store };
}

/**
 * The accounts document, with every account that can be used; anything else is reported as damage
 * so the whole text is set aside before the repaired document replaces it.
 */
export function parseAccountsDocument(raw: string): StoredDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { accounts: new Map(), generation: undefined, damage: { reason: 'not JSON', raw } };
  }
  if (!isRecord(parsed) || parsed.version !== 1 || !Array.isArray(parsed.accounts)) {
    return { accounts: new Map(), generation: undefined, damage: { reason: 'an unknown format', raw } };
  }
  const generation =
    typeof parsed.generation === 'number' && Number.isSafeInteger(parsed.generation) && parsed.generation >= 0
      ? parsed.generation
      : undefined;
  const accounts = new Map<string, TokenSet>();
  let unusable = 0;
  for (const item of parsed.accounts as unknown[]) {
    if (isTokenSet(item)) {
      accounts.set(accountId(item), item);
    } else {
      unusable += 1;
    }
  }
  return unusable === 0
    ? { accounts, generation }
    : {
        accounts,
        generation,
        damage: { reason: `${unusable} account(s) in an unknown format`, raw },
      };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The fields every reader relies on; optional ones must have their type when present. */
function isTokenSet(value: unknown): value is TokenSet {
  if (!isRecord(value)) {
    return false;
  }
  const optional = (field: string, type: 'string' | 'number' | 'object'): boolean =>
    value[field] === undefined || (typeof value[field] === type && value[field] !== null);
  return (
    typeof value.channelId === 'string' &&
    typeof value.userId === 'string' &&
    typeof value.accessToken === 'string' &&
    typeof value.tokenType === 'string' &&
    Array.isArray(value.scopes) &&
    value.scopes.every((scope) => typeof scope === 'string') &&
    Number.isFinite(value.accessTokenIssuedAt) &&
    Number.isFinite(value.accessTokenExpiresAt) &&
    Number.isFinite(value.originalIssuedAt) &&
    optional('refreshToken', 'string') &&
    optional('refreshTokenExpiresAt', 'number') &&
    optional('idToken', 'string') &&
    optional('idTokenClaims', 'object') &&
    optional('nonce', 'string') &&
    optional('profile', 'object') &&
    optional('revokeFailure', 'object')
  );
}
