/**
 * The rules every token store follows. All accounts are one document, and several VS Code windows
 * (each its own process) change it. Every change is a read-modify-write under a machine-wide lock, so
 * no window's write erases another's. A write that fails is retried; a change carrying new tokens
 * that still cannot be written is kept in this window's memory (reads see it) and written with the
 * next successful write, because LINE has already spent the refresh token or code it replaced.
 */
import { TokenError } from './errors';
import { messageOf } from './messageOf';
import { InProcessLock, MemoryGenerationMark, type GenerationMark, type MachineLock } from './machineLock';
import { listedAccount, type ListedAccount } from './accountListing';
import {
  accountId,
  sameAccount,
  type AccountChange,
  type AccountKey,
  type Disposable,
  type ResetReport,
  type SetAsideReport,
  type StoredDocument,
  type TokenStore,
  type TokenStoreOptions,
} from './tokenStore';
import type { TokenSet } from './types';

/** The lock every change of the accounts document takes. */
export const ACCOUNTS_LOCK = 'accounts';
const DEFAULT_WRITE_RETRY_DELAYS_MS = [100, 500, 2_000];
/** VS Code flushes a window's storage after about 100 ms and then tells the others: 5 s is plenty. */
const DEFAULT_FRESH_READ_BUDGET_MS = 5_000;
const FRESH_READ_STEP_MS = 25;

const realSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

export abstract class SnapshotTokenStore implements TokenStore {
  readonly #listeners = new Set<() => void>();
  readonly #setAsideListeners = new Set<(report: SetAsideReport) => void>();
  readonly #lock: MachineLock;
  readonly #generation: GenerationMark;
  readonly #writeRetryDelaysMs: readonly number[];
  readonly #freshReadBudgetMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #warn: (message: string) => void;
  readonly #handedOut: (tokenSet: TokenSet) => void;
  /** Changes whose write failed, by account ID, in the order they were made. */
  readonly #unsaved = new Map<string, { key: AccountKey; change: AccountChange }>();

  constructor(options: TokenStoreOptions = {}) {
    this.#lock = options.lock ?? new InProcessLock();
    this.#generation = options.generation ?? new MemoryGenerationMark();
    this.#writeRetryDelaysMs = options.writeRetryDelaysMs ?? DEFAULT_WRITE_RETRY_DELAYS_MS;
    this.#freshReadBudgetMs = options.freshReadBudgetMs ?? DEFAULT_FRESH_READ_BUDGET_MS;
    this.#sleep = options.sleep ?? realSleep;
    this.#warn = options.onWarning ?? (() => undefined);
    this.#handedOut = options.onHandedOut ?? (() => undefined);
  }

  /**
   * The stored document. `fresh`: read from storage now (under the lock, before a write), a copy the
   * caller may change; otherwise what this window last read or wrote may do, as long as no change was
   * announced since, shared with other readers and never changed by them.
   */
  protected abstract readDocument(fresh: boolean): Promise<StoredDocument>;
  protected abstract writeDocument(accounts: readonly TokenSet[], generation: number): Promise<void>;
  /** Keeps a damaged document's text under a key of its own and returns that key. */
  protected abstract setAside(raw: string): Promise<string>;
  /** Proves a write and a read-back work, without touching the accounts. */
  protected abstract probeWrite(): Promise<void>;
  /** Deletes every copy setAside made; resolves to how many. */
  protected abstract removeSetAside(): Promise<number>;

  /**
   * What a write does after the document is stored, still under the lock but not waited for by the
   * caller of a change (SecretTokenStore writes the listing here). Never rejects.
   */
  protected finishWrite(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * The document this store last read or wrote, when it knows nothing changed since and it is at
   * `generation`, the one the mark announces: under the lock that is the stored document (every
   * write announces its generation before it writes, see #write), so no read is needed.
   */
  protected knownDocument(_generation: number): StoredDocument | undefined {
    return undefined;
  }

  /**
   * The listing stored with the document, when there is one that matches it; undefined makes
   * listAccounts() list from the document itself.
   */
  protected readListing(): Promise<ListedAccount[] | undefined> {
    return Promise.resolve(undefined);
  }

  protected get lock(): MachineLock {
    return this.#lock;
  }

  async list(): Promise<TokenSet[]> {
    return this.#handOut([...(await this.#snapshot()).values()]);
  }

  async listAccounts(): Promise<ListedAccount[]> {
    // Changes kept only in memory are not in the stored listing.
    if (this.#unsaved.size === 0) {
      const listing = await this.readListing();
      if (listing !== undefined) {
        return listing;
      }
    }
    return [...(await this.#snapshot()).values()].map(listedAccount);
  }

  async get(key: AccountKey): Promise<TokenSet | undefined> {
    return this.#handOutOne((await this.#snapshot()).get(accountId(key)));
  }

  async getLatest(key: AccountKey): Promise<TokenSet | undefined> {
    const { accounts } = await this.#lock.run(ACCOUNTS_LOCK, () => this.#readLocked());
    return this.#handOutOne(this.#withUnsaved(accounts).get(accountId(key)));
  }

  async put(tokenSet: TokenSet): Promise<void> {
    const stored = structuredClone(tokenSet);
    await this.update(tokenSet, () => stored);
  }

  update(key: AccountKey, change: AccountChange): Promise<TokenSet | undefined> {
    const id = accountId(key);
    return this.#mutate(
      (accounts) => {
        const before = accounts.get(id);
        const after = change(before === undefined ? undefined : structuredClone(before));
        setAccount(accounts, id, after);
        return {
          changed: JSON.stringify(before) !== JSON.stringify(after),
          result: after === undefined ? undefined : this.#handOutOne(structuredClone(after)),
        };
      },
      { key, change },
    );
  }

  delete(key: AccountKey): Promise<boolean> {
    return this.#removeWhere((candidate) => sameAccount(candidate, key)).then((count) => count > 0);
  }

  deleteChannel(channelId: string): Promise<number> {
    return this.#removeWhere((candidate) => candidate.channelId === channelId);
  }

  async checkWritable(): Promise<void> {
    await this.#lock.run(ACCOUNTS_LOCK, async () => {
      await this.#readLocked();
      try {
        await this.probeWrite();
      } catch (error) {
        throw new TokenError(
          'ERR_STORE_UNAVAILABLE',
          `Secret storage cannot save tokens right now (${messageOf(error)}), so sign-in did not start and nothing was sent to LINE.`,
          {},
          { cause: error },
        );
      }
    });
    // Tokens still waiting in memory go first: a store that cannot take them cannot take new ones.
    if (!(await this.saveUnsaved())) {
      throw new TokenError('ERR_STORE_UNAVAILABLE', 'Tokens kept in memory could not be saved yet.');
    }
  }

  async saveUnsaved(): Promise<boolean> {
    if (this.#unsaved.size > 0) {
      await this.#mutate(() => ({ changed: false, result: undefined }));
    }
    return this.#unsaved.size === 0;
  }

  /**
   * Writes an empty document rather than deleting it: a window that has not yet seen this write
   * must find itself behind (see GenerationMark), not bring the old accounts back.
   */
  reset(): Promise<ResetReport> {
    return this.#lock.run(ACCOUNTS_LOCK, async () => {
      const announced = await this.#generation.read();
      let generation = announced;
      let removedAccounts: number | undefined;
      try {
        const document = await this.readDocument(true);
        generation = Math.max(generation, document.generation ?? 0);
        removedAccounts = document.damage === undefined ? document.accounts.size : undefined;
      } catch {
        // Unreadable is what a reset is for.
      }
      await this.#write(new Map(), generation + 1, announced).catch((error: unknown) => {
        throw unavailable('The stored tokens could not be reset', error);
      });
      await this.finishWrite();
      this.#unsaved.clear();
      const removedBackups = await this.removeSetAside().catch((error: unknown) => {
        this.#warn(`Copies of unreadable documents could not all be deleted (${messageOf(error)}).`);
        return 0;
      });
      this.fireChange();
      return { removedAccounts, removedBackups };
    });
  }

  unsavedAccounts(): AccountKey[] {
    return [...this.#unsaved.values()].map(({ key }) => ({ channelId: key.channelId, userId: key.userId }));
  }

  onDidChange(listener: () => void): Disposable {
    this.#listeners.add(listener);
    return { dispose: () => this.#listeners.delete(listener) };
  }

  onDidSetAside(listener: (report: SetAsideReport) => void): Disposable {
    this.#setAsideListeners.add(listener);
    return { dispose: () => this.#setAsideListeners.delete(listener) };
  }

  protected fireChange(): void {
    for (const listener of [...this.#listeners]) {
      listener();
    }
  }

  #handOut(tokenSets: TokenSet[]): TokenSet[] {
    for (const tokenSet of tokenSets) {
      this.#handedOut(tokenSet);
    }
    return tokenSets;
  }

  #handOutOne(tokenSet: TokenSet | undefined): TokenSet | undefined {
    if (tokenSet !== undefined) {
      this.#handedOut(tokenSet);
    }
    return tokenSet;
  }

  async #snapshot(): Promise<Map<string, TokenSet>> {
    const document = await this.#read(false);
    if (document.damage === undefined) {
      return this.#withUnsaved(document.accounts);
    }
    const { accounts } = await this.#lock.run(ACCOUNTS_LOCK, () => this.#readLocked());
    return this.#withUnsaved(accounts);
  }

  /**
   * Under the lock: the document as the last writer on this machine left it (waiting for its write
   * to arrive, see GenerationMark), with a damaged document moved aside first.
   */
  async #readLocked(): Promise<{
    accounts: Map<string, TokenSet>;
    generation: number;
    /** What the mark on disk says now: the generation announced last. */
    announced: number;
  }> {
    const announced = await this.#generation.read();
    let document = this.knownDocument(announced) ?? (await this.#read(true));
    for (let waited = 0; isBehind(document, announced) && waited < this.#freshReadBudgetMs;) {
      await this.#sleep(FRESH_READ_STEP_MS);
      waited += FRESH_READ_STEP_MS;
      document = await this.#read(true);
    }
    if (isBehind(document, announced)) {
      // The write the counter announces never arrived (its window closed mid-write): what is
      // stored is all there is, and waiting longer cannot change that.
      this.#warn(
        `The stored accounts are at generation ${document.generation ?? 0}, but generation ${announced} was announced by a write that never arrived; continuing from what is stored.`,
      );
    }
    let generation = Math.max(document.generation ?? 0, announced);
    const damage = document.damage;
    if (damage !== undefined) {
      let backupKey: string;
      try {
        backupKey = await this.setAside(damage.raw);
      } catch (error) {
        throw new TokenError(
          'ERR_STORE_CORRUPT',
          `Unreadable: ${damage.reason}; setting it aside failed: ${messageOf(error)}. Run "LINE Login: Reset Stored Tokens…".`,
          {},
          { cause: error },
        );
      }
      generation += 1;
      await this.#write(document.accounts, generation, announced).catch((error: unknown) => {
        throw unavailable('The unreadable document was set aside, but the repaired one could not be saved', error);
      });
      await this.finishWrite();
      this.#warn(
        `The stored accounts could not be read (${damage.reason}); the document was moved to ${backupKey} and ${document.accounts.size} readable account(s) kept.`,
      );
      const report: SetAsideReport = { backupKey, reason: damage.reason, salvaged: document.accounts.size };
      for (const listener of [...this.#setAsideListeners]) {
        listener(report);
      }
      this.fireChange();
    }
    return { accounts: document.accounts, generation, announced: damage === undefined ? announced : generation };
  }

  async #read(fresh: boolean): Promise<StoredDocument> {
    try {
      return await this.readDocument(fresh);
    } catch (error) {
      throw unavailable('The stored LINE Login tokens could not be read from secret storage', error);
    }
  }

  /**
   * One read-modify-write under the lock. A change that carries tokens (`keep`) is never dropped:
   * whatever fails (the lock, the read, the write), it is kept in memory and reported.
   */
  async #mutate<T>(
    apply: (accounts: Map<string, TokenSet>) => { changed: boolean; result: T },
    keep?: { key: AccountKey; change: AccountChange },
  ): Promise<T> {
    try {
      // Resolved once the document is written: what follows it (the listing) is written while the
      // lock is still held, so no other write can come between, but nobody waits for it.
      return await new Promise<T>((resolveMutation, rejectMutation) => {
        this.#lock
          .run(ACCOUNTS_LOCK, async () => {
            const { accounts, generation, announced } = await this.#readLocked();
            const applied = [...this.#unsaved];
            for (const [id, { change }] of applied) {
              setAccount(accounts, id, change(accounts.get(id)));
            }
            const { changed, result } = apply(accounts);
            if (!changed && applied.length === 0) {
              resolveMutation(result);
              return;
            }
            await this.#write(accounts, generation + 1, announced);
            for (const [id, entry] of applied) {
              if (this.#unsaved.get(id) === entry) {
                this.#unsaved.delete(id);
              }
            }
            this.fireChange();
            resolveMutation(result);
            await this.finishWrite();
          })
          .catch(rejectMutation);
      });
    } catch (error) {
      if (keep === undefined) {
        throw unavailable('The change could not be saved; nothing was changed', error);
      }
      const id = accountId(keep.key);
      const earlier = this.#unsaved.get(id)?.change;
      const change: AccountChange = earlier === undefined ? keep.change : (current) => keep.change(earlier(current));
      this.#unsaved.set(id, { key: keep.key, change });
      this.fireChange();
      throw new TokenError(
        'ERR_STORE_WRITE_FAILED',
        `The new tokens of ${keep.key.userId} on channel ${keep.key.channelId} could not be saved to secret storage (${messageOf(error)}); they are saved with the next change.`,
        keep.key,
        { cause: error },
      );
    }
  }

  /** Changes kept in memory are applied first, so an account that exists only there is deleted too. */
  #removeWhere(predicate: (key: AccountKey) => boolean): Promise<number> {
    return this.#mutate((accounts) => {
      let count = 0;
      for (const [id, tokenSet] of accounts) {
        if (predicate(tokenSet)) {
          accounts.delete(id);
          count += 1;
        }
      }
      return { changed: count > 0, result: count };
    });
  }

  /**
   * Announces the generation, then writes. In that order a window holding the lock can trust a
   * document it knows at the announced generation without reading it again (knownDocument): any
   * later write would have announced a newer one first.
   */
  async #write(accounts: Map<string, TokenSet>, generation: number, announcedBefore: number): Promise<void> {
    await this.#generation.write(generation);
    const tokenSets = [...accounts.values()];
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.writeDocument(tokenSets, generation);
        return;
      } catch (error) {
        const pause = this.#writeRetryDelaysMs[attempt];
        if (pause === undefined) {
          // Nothing was written: taking the announcement back spares the next reader its wait.
          await this.#generation.write(announcedBefore).catch((markError: unknown) => {
            this.#warn(`The store generation could not be taken back (${messageOf(markError)}).`);
          });
          throw error;
        }
        this.#warn(`Saving the accounts failed (${messageOf(error)}); trying again.`);
        await this.#sleep(pause);
      }
    }
  }

  #withUnsaved(accounts: Map<string, TokenSet>): Map<string, TokenSet> {
    if (this.#unsaved.size === 0) {
      return accounts;
    }
    const overlaid = new Map(accounts);
    for (const [id, { change }] of this.#unsaved) {
      const current = overlaid.get(id);
      setAccount(overlaid, id, change(current === undefined ? undefined : structuredClone(current)));
    }
    return overlaid;
  }
}

function setAccount(accounts: Map<string, TokenSet>, id: string, tokenSet: TokenSet | undefined): void {
  if (tokenSet === undefined) {
    accounts.delete(id);
  } else {
    accounts.set(id, tokenSet);
  }
}

function isBehind(document: StoredDocument, announced: number): boolean {
  return document.generation !== undefined && document.generation < announced;
}

function unavailable(what: string, error: unknown): TokenError {
  if (error instanceof TokenError) {
    return error;
  }
  return new TokenError('ERR_STORE_UNAVAILABLE', `${what}: ${messageOf(error)}.`, {}, { cause: error });
}
