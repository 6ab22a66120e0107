/** For tests and tools: the store's rules (see snapshotTokenStore.ts) over a document kept in this process. */
import { SnapshotTokenStore } from './snapshotTokenStore';
import { accountId, type StoredDocument } from './tokenStore';
import type { TokenSet } from './types';

export class InMemoryTokenStore extends SnapshotTokenStore {
  #accounts = new Map<string, TokenSet>();
  #generationWritten = 0;

  protected readDocument(): Promise<StoredDocument> {
    return Promise.resolve({
      accounts: new Map([...this.#accounts].map(([id, set]) => [id, structuredClone(set)])),
      generation: this.#generationWritten,
    });
  }

  protected writeDocument(accounts: readonly TokenSet[], generation: number): Promise<void> {
    this.#accounts = new Map(accounts.map((tokenSet) => [accountId(tokenSet), structuredClone(tokenSet)]));
    this.#generationWritten = generation;
    return Promise.resolve();
  }

  protected setAside(): Promise<string> {
    return Promise.reject(new Error('an in-memory document is never damaged'));
  }

  protected probeWrite(): Promise<void> {
    return Promise.resolve();
  }

  protected removeSetAside(): Promise<number> {
    return Promise.resolve(0);
  }
}
