/**
 * Token sets in VS Code's SecretStorage (docs/security.md §12): one JSON document under one key,
 * changed under the machine-wide lock (see core/snapshotTokenStore.ts). `secrets.onDidChange` fires for
 * writes from other windows too (docs/security.md §15), which is how every window's tree stays current.
 *
 * Runs under plain node as well (only types come from `vscode`), so the unit tests and the
 * two-process test drive this very class over a SecretStorage stand-in.
 */
import type * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { FileGenerationMark, type MachineLock } from '../core/machineLock';
import { SnapshotTokenStore } from '../core/snapshotTokenStore';
import { accountId, type StoredDocument, type TokenStoreOptions } from '../core/tokenStore';
import type { TokenSet } from '../core/types';
import {
  listedAccount,
  parseListing,
  serializeListing,
  type AccountListing,
  type ListedAccount,
} from '../core/accountListing';
import { SECRET_KEYS } from './constants';
import { isRecord } from '../core/jsonRecord';
import { messageOf } from '../core/messageOf';

/** What this store uses of vscode.SecretStorage (which satisfies it), so tests can stand in for it. */
export interface SecretStorageLike {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
  onDidChange(listener: (event: { readonly key: string }) => unknown): { dispose(): unknown };
}

/** How long after another window's document write its listing may take to arrive. */
const LISTING_GRACE_MS = 500;

interface StoredAccounts {
  version: 1;
  /** Counts writes (see GenerationMark); absent in documents written by earlier versions. */
  generation?: number;
  accounts: TokenSet[];
}

export interface SecretTokenStoreOptions extends TokenStoreOptions {
  /** Names the set-aside copies by time. */
  now?: () => number;
  /** How long after another window's document write its listing may take to arrive (tests shorten it). */
  listingGraceMs?: number;
}

export class SecretTokenStore extends SnapshotTokenStore implements vscode.Disposable {
  readonly #secrets: SecretStorageLike;
  readonly #now: () => number;
  readonly #warn: (message: string) => void;
  readonly #subscription: { dispose(): unknown };
  /**
   * The document last read or written, parsed: the commands that need tokens after a change share
   * one read and one parse (a 1,000-account document is 1.5 MB).
   */
  #cache: StoredDocument | undefined;
  /** False from a change event until the stored document is known again: the cache may be behind. */
  #cacheCurrent = false;
  /** Counts the document's change events, so a read or write that overlapped one does not vouch for the cache. */
  #changes = 0;
  /** The listing last read or written; what lists show without reading the tokens. */
  #listing: { raw: string; listing: AccountListing } | undefined;
  #listingCurrent = false;
  #listingChanges = 0;
  /** Another window wrote the document and its listing has not followed yet (see #onDocumentChanged). */
  #listingBehind: NodeJS.Timeout | undefined;
  /**
   * This window's last write: the first document event after it began is its echo (another window
   * cannot write while this one holds the lock; one that wrote before it was read under the lock).
   */
  #ownWrite: { changesBefore: number; echoed: boolean } | undefined;
  /** A read of the document under way, shared by the readers that need no fresh one. */
  #reading: { changes: number; document: Promise<StoredDocument> } | undefined;
  readonly #listingGraceMs: number;
  /** The listing of the document just written, stored by finishWrite(). */
  #pendingListing: string | undefined;

  constructor(secrets: SecretStorageLike, options: SecretTokenStoreOptions = {}) {
    super(options);
    this.#secrets = secrets;
    this.#now = options.now ?? Date.now;
    this.#warn = options.onWarning ?? (() => undefined);
    this.#listingGraceMs = options.listingGraceMs ?? LISTING_GRACE_MS;
    this.#subscription = secrets.onDidChange((event) => {
      if (event.key === SECRET_KEYS.accounts) {
        this.#onDocumentChanged();
      } else if (event.key === SECRET_KEYS.accountsListing) {
        this.#onListingChanged();
      }
    });
  }

  /** Not read here: nothing that draws needs the tokens, and the listing that follows says what changed. */
  #onDocumentChanged(): void {
    this.#changes += 1;
    const own = this.#ownWrite;
    if (own !== undefined && !own.echoed && this.#changes === own.changesBefore + 1) {
      // The echo of this window's own write: what is cached is what it wrote, and its listing is known.
      own.echoed = true;
      return;
    }
    this.#cacheCurrent = false;
    clearTimeout(this.#listingBehind);
    // A window that writes no listing (an earlier version of this extension) or failed to: after a
    // while the document's change is announced anyway, and lists read the document until a listing follows.
    this.#listingBehind = setTimeout(() => {
      this.fireChange();
    }, this.#listingGraceMs);
    this.#listingBehind.unref();
  }

  #onListingChanged(): void {
    this.#listingCurrent = false;
    const change = ++this.#listingChanges;
    void Promise.resolve(this.#secrets.get(SECRET_KEYS.accountsListing)).then(
      (raw) => {
        clearTimeout(this.#listingBehind);
        this.#listingBehind = undefined;
        const own = raw !== undefined && raw === this.#listing?.raw;
        const listing = this.#rememberListing(raw, change);
        if (listing?.generation !== this.#cache?.generation) {
          // Another window's write: its listing always follows its document.
          this.#cacheCurrent = false;
        }
        if (!own) {
          this.fireChange();
        }
      },
      () => {
        // Unreadable now: the next read reports it.
        this.fireChange();
      },
    );
  }

  protected async readDocument(fresh: boolean): Promise<StoredDocument> {
    // Shared, not copied, unless fresh: a reader (list, get) changes nothing, and copying a
    // 1,000-account map for each account the tree opens made opening them all quadratic.
    if (!fresh && this.#cacheCurrent && this.#cache !== undefined) {
      return this.#cache;
    }
    const changes = this.#changes;
    if (!fresh && this.#reading?.changes === changes) {
      return this.#reading.document;
    }
    const reading = Promise.resolve(this.#secrets.get(SECRET_KEYS.accounts)).then((stored = '') => {
      // Generation 0, not "unknown": a window that has not seen the first write yet must wait for it.
      const document: StoredDocument =
        stored === '' ? { accounts: new Map(), generation: 0 } : parseAccountsDocument(stored);
      if (changes === this.#changes) {
        this.#cache = document;
        this.#cacheCurrent = true;
      }
      return document;
    });
    const done = (): void => {
      if (this.#reading?.document === reading) {
        this.#reading = undefined;
      }
    };
    this.#reading = { changes, document: reading };
    reading.then(done, done);
    return fresh ? copyOf(await reading) : reading;
  }

  protected override knownDocument(generation: number): StoredDocument | undefined {
    const cache = this.#cache;
    return this.#cacheCurrent && cache?.damage === undefined && cache?.generation === generation
      ? copyOf(cache)
      : undefined;
  }

  protected override async readListing(): Promise<ListedAccount[] | undefined> {
    let listing: AccountListing | undefined;
    if (this.#listingCurrent && this.#listing !== undefined) {
      listing = this.#listing.listing;
    } else {
      const change = this.#listingChanges;
      listing = this.#rememberListing(await this.#secrets.get(SECRET_KEYS.accountsListing), change);
    }
    if (listing === undefined || this.#listingBehind !== undefined) {
      return undefined;
    }
    if (this.#cacheCurrent && this.#cache !== undefined && (this.#cache.generation ?? 0) !== listing.generation) {
      // The document this window knows to be current is not the one listed (a listing write failed).
      return undefined;
    }
    return [...listing.accounts];
  }

  #rememberListing(raw: string | undefined, change: number): AccountListing | undefined {
    if (raw === undefined || raw !== this.#listing?.raw) {
      const listing = parseListing(raw);
      this.#listing = listing === undefined || raw === undefined ? undefined : { raw, listing };
    }
    if (change === this.#listingChanges) {
      this.#listingCurrent = true;
    }
    return this.#listing?.listing;
  }

  protected async writeDocument(accounts: readonly TokenSet[], generation: number): Promise<void> {
    const value = JSON.stringify({ version: 1, generation, accounts: [...accounts] } satisfies StoredAccounts);
    // Cached before the write, current once it is stored and no other window's change came between.
    // No copies: the store hands out clones of what it changes (update, put), never these objects.
    this.#cache = { accounts: new Map(accounts.map((set) => [accountId(set), set])), generation };
    this.#cacheCurrent = false;
    const own = { changesBefore: this.#changes, echoed: false };
    this.#ownWrite = own;
    try {
      await this.#secrets.store(SECRET_KEYS.accounts, value);
    } catch (error) {
      // Nothing was written, so no echo will come: the next document event is another window's.
      this.#ownWrite = undefined;
      throw error;
    }
    if (this.#changes === own.changesBefore + (own.echoed ? 1 : 0)) {
      this.#cacheCurrent = true;
    }
    // This window's readers list what it just wrote; the stored listing follows in finishWrite().
    const listing: AccountListing = { generation, accounts: accounts.map(listedAccount) };
    const raw = serializeListing(listing);
    this.#listing = { raw, listing };
    this.#listingCurrent = true;
    this.#pendingListing = raw;
  }

  /** After the document, never before: a listing must not show an account whose tokens are not stored. */
  protected override async finishWrite(): Promise<void> {
    const raw = this.#pendingListing;
    this.#pendingListing = undefined;
    if (raw === undefined) {
      return;
    }
    try {
      await this.#secrets.store(SECRET_KEYS.accountsListing, raw);
    } catch (error) {
      // The tokens are saved; lists read the document until the next write brings a listing.
      if (this.#listing?.raw === raw) {
        this.#listing = undefined;
        this.#listingCurrent = false;
      }
      this.#warn(`The accounts listing could not be saved (${messageOf(error)}).`);
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
    clearTimeout(this.#listingBehind);
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
  logger: { warn(message: string): void; readonly redactor: { addTokenSet(tokenSet: TokenSet): void } },
): SecretTokenStore {
  return new SecretTokenStore(secrets, {
    lock,
    // Every token this window gets from the store is known to the log's redactor before anything can log it.
    onHandedOut: (tokenSet) => {
      logger.redactor.addTokenSet(tokenSet);
    },
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

/** Fresh readers change the map (a read-modify-write), never the token sets in it (update() clones them). */
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
