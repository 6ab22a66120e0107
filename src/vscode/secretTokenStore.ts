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
  /**
   * The text last read or written and its parsed document: a redraw, the status bar and the other
   * readers after a change share one read and one parse (a 1,000-account document is 1.5 MB).
   */
  #cache: { raw: string; document: StoredDocument } | undefined;
  /** False from a change event until the stored text is known again: the cache may be behind. */
  #cacheCurrent = false;
  /** Counts change events, so a read or write that overlapped one does not vouch for the cache. */
  #changes = 0;

  constructor(secrets: SecretStorageLike, options: SecretTokenStoreOptions = {}) {
    super(options);
    this.#secrets = secrets;
    this.#now = options.now ?? Date.now;
    this.#subscription = secrets.onDidChange((event) => {
      if (event.key === SECRET_KEYS.accounts) {
        this.#cacheCurrent = false;
        const change = ++this.#changes;
        void Promise.resolve(this.#secrets.get(SECRET_KEYS.accounts)).then(
          (value) => {
            if (value !== this.#lastWritten) {
              this.#lastWritten = value;
              if (change === this.#changes) {
                // Another window's write: read and parsed once here for every reader the event wakes.
                this.#remember(value ?? '', change);
              }
              this.fireChange();
            } else if (value === this.#cache?.raw && change === this.#changes) {
              // The echo of this window's own write: what is cached is what is stored.
              this.#cacheCurrent = true;
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

  protected async readDocument(fresh: boolean): Promise<StoredDocument> {
    if (!fresh && this.#cacheCurrent && this.#cache !== undefined) {
      return copyOf(this.#cache.document);
    }
    const changes = this.#changes;
    return copyOf(this.#remember((await this.#secrets.get(SECRET_KEYS.accounts)) ?? '', changes));
  }

  /** Caches the stored text, parsed unless it is the text cached already; current unless a change came since `changes`. */
  #remember(stored: string, changes: number): StoredDocument {
    if (this.#cache?.raw !== stored) {
      // Generation 0, not "unknown": a window that has not seen the first write yet must wait for it.
      const document = stored === '' ? { accounts: new Map(), generation: 0 } : parseAccountsDocument(stored);
      this.#cache = { raw: stored, document };
    }
    if (changes === this.#changes) {
      this.#cacheCurrent = true;
    }
    return this.#cache.document;
  }

  protected async writeDocument(accounts: readonly TokenSet[], generation: number): Promise<void> {
    const value = JSON.stringify({ version: 1, generation, accounts: [...accounts] } satisfies StoredAccounts);
    this.#lastWritten = value;
    // Cached before the write (not yet current), so the write's own change event can vouch for it.
    // No copies: the store hands out clones of what it changes (update, put), never these objects.
    this.#cache = {
      raw: value,
      document: { accounts: new Map(accounts.map((set) => [accountId(set), set])), generation },
    };
    this.#cacheCurrent = false;
    const changes = this.#changes;
    await this.#secrets.store(SECRET_KEYS.accounts, value);
    if (changes === this.#changes) {
      this.#cacheCurrent = true;
    }
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
 * The window's store. `lock` is shared with every other window of this machine (see fileLock.ts and
 * openFileLock); `globalStorage` holds the generation mark next to the lock folder.
 */
export function openTokenStore(
  secrets: SecretStorageLike,
  globalStorage: { fsPath: string },
  lock: MachineLock,
  logger: { warn(message: string): void },
): SecretTokenStore {
  return new SecretTokenStore(secrets, {
    lock,
    generation: new FileGenerationMark(join(lockDirectory(globalStorage), 'accounts.generation')),
    onWarning: (message) => {
      logger.warn(message);
    },
  });
}

/**
 * Where the machine-wide locks live: a folder in the extension's global storage, which every window
 * and profile shares (microsoft/vscode#160466). A remote extension host has its own, so windows on
 * different hosts are not coordinated.
 */
export function lockDirectory(globalStorage: { fsPath: string }): string {
  return join(globalStorage.fsPath, 'locks');
}

/** Readers change the map (a read-modify-write), never the token sets in it (update() clones them). */
function copyOf(document: StoredDocument): StoredDocument {
  return { ...document, accounts: new Map(document.accounts) };
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
