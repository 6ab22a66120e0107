/**
 * Local LINE's emulator in this window: started on the configured loopback port with the channels
 * and users it serves, stopped on Stop or when the window closes. Knows nothing of commands or views.
 */
import vscode = require('vscode');
import { DEMO_CHANNEL, DEMO_USERS } from '../../../../emulator/demoData';
import {
  startLineEmulator,
  type EmulatorChannel,
  type EmulatorUser,
  type LineEmulator,
} from '../../../../emulator/index';
import { LocalLineError } from '../../../core/errors';
import { messageOf } from '../../../core/messageOf';
import { LOCAL_LINE_CONTEXT_KEYS, LOCAL_LINE_SETTINGS, type LocalLineHost } from '../api';
import { SETTINGS } from '../../constants';
import type { LocalLineSettings } from './settings';

/** What is served: a configuration file's channels and users, or the emulator's demo data. */
export interface ServedData {
  channels: EmulatorChannel[];
  users: EmulatorUser[];
}

export function demoData(): ServedData {
  return { channels: [{ ...DEMO_CHANNEL }], users: DEMO_USERS.map((user) => ({ ...user })) };
}

/** Local LINE while it runs (the secrets are in `channels`: never put this object in a result). */
export interface RunningLocalLine {
  readonly emulator: LineEmulator;
  readonly served: ServedData;
}

export function discoveryUrl(authorizeBaseUrl: string): string {
  return `${authorizeBaseUrl}/.well-known/openid-configuration`;
}

export class LocalLineServer implements vscode.Disposable {
  readonly #host: LocalLineHost;
  readonly #onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChange = this.#onDidChange.event;
  #running: RunningLocalLine | undefined;
  #starting: Promise<RunningLocalLine> | undefined;

  constructor(host: LocalLineHost) {
    this.#host = host;
  }

  get running(): RunningLocalLine | undefined {
    return this.#running;
  }

  /** Starts Local LINE, or returns the running one. */
  start(settings: LocalLineSettings, served: ServedData): Promise<RunningLocalLine> {
    if (this.#running !== undefined) {
      return Promise.resolve(this.#running);
    }
    this.#starting ??= this.#start(settings, served).finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  async #start(settings: LocalLineSettings, served: ServedData): Promise<RunningLocalLine> {
    const { logger } = this.#host.services;
    for (const channel of served.channels) {
      logger.redactor.add(channel.channelSecret);
    }
    let emulator: LineEmulator;
    try {
      emulator = await startLineEmulator({
        host: '127.0.0.1',
        port: settings.port,
        browserHost: settings.browserHost,
        channels: served.channels,
        users: served.users,
        log: (line) => {
          logger.info(`Local LINE: ${line}`);
        },
      });
    } catch (error) {
      if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'EADDRINUSE') {
        throw new LocalLineError(
          'ERR_LOCAL_LINE_PORT_IN_USE',
          `Port ${settings.port} on 127.0.0.1 is taken (setting ${SETTINGS.section}.${LOCAL_LINE_SETTINGS.port}).`,
          { port: settings.port },
        );
      }
      throw error;
    }
    this.#running = { emulator, served };
    logger.info(`Local LINE started: ${emulator.authorizeBaseUrl} (browser), ${emulator.apiBaseUrl} (API).`);
    this.#changed();
    return this.#running;
  }

  /** Serves one more channel now (replacing one with the same ID). */
  addChannel(channel: EmulatorChannel): void {
    const running = this.#require();
    this.#host.services.logger.redactor.add(channel.channelSecret);
    running.emulator.addChannel(channel);
    const others = running.served.channels.filter((existing) => existing.channelId !== channel.channelId);
    this.#running = { ...running, served: { ...running.served, channels: [...others, { ...channel }] } };
    this.#changed();
  }

  #require(): RunningLocalLine {
    if (this.#running === undefined) {
      throw new LocalLineError('ERR_LOCAL_LINE_NOT_RUNNING', '');
    }
    return this.#running;
  }

  /** The running Local LINE, or ERR_LOCAL_LINE_NOT_RUNNING. */
  require(): RunningLocalLine {
    return this.#require();
  }

  async stop(): Promise<boolean> {
    const running = this.#running ?? (await this.#starting?.catch(() => undefined));
    if (running === undefined) {
      return false;
    }
    this.#running = undefined;
    try {
      await running.emulator.close();
    } catch (error) {
      this.#host.services.logger.warn(`Local LINE did not stop cleanly: ${messageOf(error)}`);
    }
    this.#host.services.logger.info('Local LINE stopped.');
    this.#changed();
    return true;
  }

  #changed(): void {
    void vscode.commands.executeCommand('setContext', LOCAL_LINE_CONTEXT_KEYS.running, this.#running !== undefined);
    this.#onDidChange.fire();
  }

  dispose(): void {
    void this.stop();
    this.#onDidChange.dispose();
  }
}
