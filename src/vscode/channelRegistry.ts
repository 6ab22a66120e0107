/**
 * Channels: non-secret fields from the `lineLogin.channels` setting, each secret from SecretStorage
 * under its own key (never settings, never globalState).
 */
import vscode = require('vscode');
import type { ChannelConfig } from '../core/channels';
import { InputError } from '../core/errors';
import type { LineChannelCredentials } from '../core/types';
import { affectsLineLogin, readChannels, writeChannels } from './config';
import { SECRET_KEYS, SETTINGS } from './constants';

export class ChannelRegistry implements vscode.Disposable {
  readonly #secrets: vscode.SecretStorage;
  readonly #onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChange = this.#onDidChange.event;
  readonly #subscriptions: { dispose(): unknown }[] = [];
  #channels: ChannelConfig[];
  #problems: string[];

  constructor(secrets: vscode.SecretStorage) {
    this.#secrets = secrets;
    const reading = readChannels();
    this.#channels = reading.channels;
    this.#problems = reading.problems;
    this.#subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsLineLogin(event, SETTINGS.channels)) {
          const next = readChannels();
          this.#channels = next.channels;
          this.#problems = next.problems;
          this.#onDidChange.fire();
        }
      }),
      secrets.onDidChange((event) => {
        if (event.key.startsWith(SECRET_KEYS.channelSecretPrefix)) {
          this.#onDidChange.fire();
        }
      }),
      this.#onDidChange,
    );
  }

  list(): readonly ChannelConfig[] {
    return this.#channels;
  }

  /** Settings entries that were skipped, with why. */
  problems(): readonly string[] {
    return this.#problems;
  }

  get(channelId: string): ChannelConfig | undefined {
    return this.#channels.find((channel) => channel.channelId === channelId);
  }

  require(channelId: string): ChannelConfig {
    const channel = this.get(channelId);
    if (channel === undefined) {
      throw new InputError(
        'ERR_INVALID_CHANNEL',
        `Channel ${channelId} is not registered. Add it with "LINE Login: Add Channel…".`,
        'channelId',
      );
    }
    return channel;
  }

  async hasSecret(channelId: string): Promise<boolean> {
    return (await this.#secrets.get(secretKey(channelId))) !== undefined;
  }

  async credentials(channelId: string): Promise<LineChannelCredentials> {
    this.require(channelId);
    const channelSecret = await this.#secrets.get(secretKey(channelId));
    if (channelSecret === undefined || channelSecret === '') {
      throw new InputError(
        'ERR_INVALID_CHANNEL',
        `No channel secret is stored for channel ${channelId} in this VS Code. Run "LINE Login: Edit Channel…" to enter it.`,
        'channelSecret',
      );
    }
    return { channelId, channelSecret };
  }

  /** Adds or replaces a channel; the secret (when given) goes to SecretStorage first. */
  async save(channel: ChannelConfig, channelSecret: string | undefined): Promise<void> {
    if (channelSecret !== undefined) {
      await this.#secrets.store(secretKey(channel.channelId), channelSecret);
    }
    const others = readChannels().channels.filter((existing) => existing.channelId !== channel.channelId);
    const index = this.#channels.findIndex((existing) => existing.channelId === channel.channelId);
    const next = [...others];
    next.splice(index === -1 ? next.length : index, 0, channel);
    await writeChannels(next);
    this.#channels = next;
    this.#onDidChange.fire();
  }

  async remove(channelId: string): Promise<void> {
    await this.#secrets.delete(secretKey(channelId));
    const next = readChannels().channels.filter((existing) => existing.channelId !== channelId);
    await writeChannels(next);
    this.#channels = next;
    this.#onDidChange.fire();
  }

  dispose(): void {
    for (const subscription of this.#subscriptions) {
      subscription.dispose();
    }
  }
}

function secretKey(channelId: string): string {
  return `${SECRET_KEYS.channelSecretPrefix}${channelId}`;
}
