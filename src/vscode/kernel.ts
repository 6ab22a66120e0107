/**
 * What activation builds for the first paint (the tree, the status bar, the store they read) and
 * hands to the features loaded on first use (features.ts, its own bundle: see scripts/build.mjs).
 * Activation runs in every window every day, for people who may not sign in that day; everything
 * else waits until a command, the authentication provider or a setting asks for it.
 */
import type * as vscode from 'vscode';
import type { MachineLock } from '../core/machineLock';
import type { AccountSelection } from './accountSelection';
import type { ChannelRegistry } from './channelRegistry';
import type { Logger } from './logger';
import type { SecretTokenStore } from './secretTokenStore';
import type { AccountStatusBar } from './statusBar';
import type { TokenExplorer } from './tree/tokenExplorer';
import type { TokenTreeView } from './tree/tokenTreeView';
import { isRecord } from '../core/jsonRecord';

export interface Kernel {
  readonly context: vscode.ExtensionContext;
  readonly logger: Logger;
  readonly channels: ChannelRegistry;
  readonly store: SecretTokenStore;
  readonly selection: AccountSelection;
  /** The machine-wide lock; its implementation (proper-lockfile) loads when first taken. */
  readonly lock: MachineLock;
  readonly explorer: TokenExplorer;
  readonly tokenTreeView: TokenTreeView;
  readonly statusBar: AccountStatusBar;
  /** The one clock of this window (epoch ms). */
  readonly now: () => number;
}

/** A lock whose implementation is loaded the first time it is taken. */
export class DeferredLock implements MachineLock {
  readonly #load: () => MachineLock;
  #lock: MachineLock | undefined;

  constructor(load: () => MachineLock) {
    this.#load = load;
  }

  run<T>(name: string, operation: () => Promise<T>): Promise<T> {
    this.#lock ??= this.#load();
    return this.#lock.run(name, operation);
  }
}

/** The command IDs a manifest contributes (`contributes.commands[].command`). */
export function contributedCommandIds(packageJSON: unknown): string[] {
  const contributes = isRecord(packageJSON) ? packageJSON.contributes : undefined;
  const commands = isRecord(contributes) ? contributes.commands : undefined;
  if (!Array.isArray(commands)) {
    return [];
  }
  return commands.flatMap((entry: unknown) =>
    isRecord(entry) && typeof entry.command === 'string' ? [entry.command] : [],
  );
}
