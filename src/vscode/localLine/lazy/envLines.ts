/** The settings an app needs to sign in against Local LINE, as environment variable lines. */
import type { LineEmulator, LocalLineChannelConfig } from '../../../../emulator/index';

type EmulatorChannel = Pick<LocalLineChannelConfig, 'channelId' | 'channelSecret'>;

export const ENV_VARIABLES = ['LINE_CHANNEL_ID', 'LINE_CHANNEL_SECRET', 'LINE_AUTHORIZE_URL', 'LINE_API_URL'] as const;

type Urls = Pick<LineEmulator, 'authorizeBaseUrl' | 'apiBaseUrl'>;

/** The lines for the clipboard, secret included (.env syntax, one per line). */
export function envLines(channel: EmulatorChannel, urls: Urls): string {
  return `${envPairs(channel, urls, channel.channelSecret)
    .map(([name, value]) => `${name}=${value}`)
    .join('\n')}\n`;
}

/** The same lines for the view: the secret is left out. */
export function envPreview(channel: EmulatorChannel, urls: Urls): string {
  return envPairs(channel, urls, '…')
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
}

function envPairs(channel: EmulatorChannel, urls: Urls, secret: string): [string, string][] {
  return [
    ['LINE_CHANNEL_ID', channel.channelId],
    ['LINE_CHANNEL_SECRET', secret],
    ['LINE_AUTHORIZE_URL', urls.authorizeBaseUrl],
    ['LINE_API_URL', urls.apiBaseUrl],
  ];
}
