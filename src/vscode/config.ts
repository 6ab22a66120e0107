/** Typed access to the `lineLogin.*` settings. */
import vscode = require('vscode');
import { parseChannelConfig, type ChannelConfig } from '../core/channels';
import { validateApiBaseUrl, validateAuthorizeBaseUrl } from '../core/endpoints';
import { isLineLoginError } from '../core/errors';
import { LINE_API_BASE_URL, LINE_AUTHORIZE_BASE_URL, type LineEndpoints } from '../core/types';
import { SETTINGS } from './constants';

function configuration(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SETTINGS.section);
}

export interface ChannelsReading {
  channels: ChannelConfig[];
  /** Entries that could not be used, with the reason (shown once, never fatal). */
  problems: string[];
}

export function readChannels(): ChannelsReading {
  const raw = configuration().get<unknown[]>(SETTINGS.channels, []);
  const channels: ChannelConfig[] = [];
  const problems: string[] = [];
  for (const entry of Array.isArray(raw) ? raw : []) {
    try {
      const channel = parseChannelConfig(entry);
      if (channels.some((existing) => existing.channelId === channel.channelId)) {
        problems.push(`lineLogin.channels lists channel ${channel.channelId} twice; the first entry is used.`);
      } else {
        channels.push(channel);
      }
    } catch (error) {
      if (!isLineLoginError(error)) {
        throw error;
      }
      problems.push(error.message);
    }
  }
  return { channels, problems };
}

/**
 * Writes the channel list where it was found: workspace settings if the team keeps it there,
 * otherwise user settings.
 */
export async function writeChannels(channels: ChannelConfig[]): Promise<void> {
  const inspected = configuration().inspect(SETTINGS.channels);
  const target =
    inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await configuration().update(
    SETTINGS.channels,
    channels.map((channel) => ({
      ...channel,
      loginOptions: Object.keys(channel.loginOptions).length > 0 ? channel.loginOptions : undefined,
    })),
    target,
  );
}

/**
 * The endpoint settings are `machine`-scoped, so VS Code ignores them in workspace settings; we also
 * read only the user/default values explicitly, so a workspace can never redirect the channel secret.
 */
export function readEndpoints(): LineEndpoints {
  const config = configuration();
  const pick = (key: string, fallback: string): string => {
    const inspected = config.inspect<string>(key);
    return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
  };
  return {
    authorizeBaseUrl: validateAuthorizeBaseUrl(
      pick(SETTINGS.authorizeBaseUrl, LINE_AUTHORIZE_BASE_URL),
      `lineLogin.${SETTINGS.authorizeBaseUrl}`,
    ),
    apiBaseUrl: validateApiBaseUrl(pick(SETTINGS.apiBaseUrl, LINE_API_BASE_URL), `lineLogin.${SETTINGS.apiBaseUrl}`),
  };
}

export function readAutoRefresh(): boolean {
  return configuration().get<boolean>(SETTINGS.autoRefresh, false);
}

export function readSignInTimeoutMs(): number {
  const seconds = configuration().get<number>(SETTINGS.signInTimeoutSeconds, 300);
  return Math.min(Math.max(Number.isFinite(seconds) ? seconds : 300, 30), 1800) * 1000;
}

export function affectsLineLogin(event: vscode.ConfigurationChangeEvent, key?: string): boolean {
  return event.affectsConfiguration(key === undefined ? SETTINGS.section : `${SETTINGS.section}.${key}`);
}
