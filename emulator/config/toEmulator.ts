/** A Local LINE configuration as the emulator's channels, users, lifetimes and consent mode. */

import type { EmulatorChannel, EmulatorUser } from '../types';
import { LOCAL_LINE_DEFAULTS } from './types';
import type { LocalLineChannelConfig, LocalLineConfig, LocalLineUserConfig } from './types';

export interface EmulatorSetup {
  channels: EmulatorChannel[];
  users: EmulatorUser[];
  /** false: the consent page; a userId: approve every login as that user. */
  autoApprove: false | string;
  accessTokenSeconds: number;
  refreshTokenMs: number;
  codeMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function emulatorSetup(config: LocalLineConfig): EmulatorSetup {
  const lifetimes = config.tokenLifetimes ?? {};
  const users = config.users.map(toUser);
  let autoApprove: false | string = false;
  if ((config.consent?.mode ?? LOCAL_LINE_DEFAULTS.consentMode) === 'autoApprove') {
    const userId = config.consent?.autoApproveUserId ?? users[0]?.userId;
    if (userId === undefined || !users.some((user) => user.userId === userId)) {
      throw new TypeError('consent.autoApproveUserId must name one of the configured users.');
    }
    autoApprove = userId;
  }
  return {
    channels: config.channels.map(toChannel),
    users,
    autoApprove,
    accessTokenSeconds: lifetimes.accessTokenSeconds ?? LOCAL_LINE_DEFAULTS.accessTokenSeconds,
    refreshTokenMs: (lifetimes.refreshTokenDays ?? LOCAL_LINE_DEFAULTS.refreshTokenDays) * DAY_MS,
    codeMs: (lifetimes.codeSeconds ?? LOCAL_LINE_DEFAULTS.codeSeconds) * 1000,
  };
}

/**
 * README ledger L1 and L5: a web login channel is app type "Web app" with HS256 ID tokens; a
 * native one (LINE SDK, LIFF) is "Mobile app" with ES256 ID tokens from the JWKS.
 */
function toChannel(channel: LocalLineChannelConfig): EmulatorChannel {
  return {
    channelId: channel.channelId,
    channelSecret: channel.channelSecret,
    callbackUrls: [...channel.callbackUrls],
    ...(channel.name === undefined ? {} : { name: channel.name }),
    idTokenAlg: channel.kind === 'web' ? 'HS256' : 'ES256',
    appTypes: channel.kind === 'web' ? ['web'] : ['mobile'],
    status: channel.status ?? LOCAL_LINE_DEFAULTS.status,
    developerUserIds: [...(channel.developerUserIds ?? [])],
    officialAccountLinked: channel.officialAccount?.linked ?? LOCAL_LINE_DEFAULTS.officialAccountLinked,
    emailPermission: channel.emailPermission ?? LOCAL_LINE_DEFAULTS.emailPermission,
  };
}

function toUser(user: LocalLineUserConfig): EmulatorUser {
  return {
    userId: user.userId,
    displayName: user.displayName,
    ...(user.pictureUrl === undefined ? {} : { pictureUrl: user.pictureUrl }),
    ...(user.statusMessage === undefined ? {} : { statusMessage: user.statusMessage }),
    ...(user.email === undefined || user.email === null ? {} : { email: user.email }),
    friendOf: [...(user.friendOf ?? [])],
  };
}
