/**
 * What the JSON schema cannot say about a Local LINE configuration: IDs that must be unique, names
 * that must refer to something configured, and callback URLs as LINE accepts them. Runs on a file
 * that already satisfies the schema.
 */

import { describePath } from './positions';
import type { PathSegment } from './positions';
import type { LocalLineConfig } from './types';

export interface ReferenceProblem {
  path: PathSegment[];
  message: string;
}

export function checkReferences(config: LocalLineConfig): ReferenceProblem[] {
  const problems: ReferenceProblem[] = [];
  const channelIds = firstIndexes(
    config.channels.map((channel) => channel.channelId),
    (index, first) =>
      problems.push({
        path: ['channels', index, 'channelId'],
        message: `channels[${index}].channelId is already the ID of channels[${first}]: give each channel its own ID.`,
      }),
  );
  const userIds = firstIndexes(
    config.users.map((user) => user.userId),
    (index, first) =>
      problems.push({
        path: ['users', index, 'userId'],
        message: `users[${index}].userId is already the ID of users[${first}]: give each user their own ID.`,
      }),
  );
  config.channels.forEach((channel, index) => {
    channel.callbackUrls.forEach((url, urlIndex) => {
      const advice = callbackAdvice(url);
      if (advice !== undefined) {
        const path = ['channels', index, 'callbackUrls', urlIndex];
        problems.push({ path, message: `${describePath(path)} ${advice}` });
      }
    });
    (channel.developerUserIds ?? []).forEach((userId, userIndex) => {
      if (!userIds.has(userId)) {
        const path = ['channels', index, 'developerUserIds', userIndex];
        problems.push({
          path,
          message: `${describePath(path)} is not the userId of any of "users": add that user or correct the ID.`,
        });
      }
    });
  });
  config.users.forEach((user, index) => {
    (user.friendOf ?? []).forEach((channelId, friendIndex) => {
      const path = ['users', index, 'friendOf', friendIndex];
      if (!channelIds.has(channelId)) {
        problems.push({
          path,
          message: `${describePath(path)} is not the channelId of any of "channels": add that channel or correct the ID.`,
        });
      }
    });
  });
  const autoApproveUserId = config.consent?.autoApproveUserId;
  if (autoApproveUserId !== undefined && !userIds.has(autoApproveUserId)) {
    problems.push({
      path: ['consent', 'autoApproveUserId'],
      message: 'consent.autoApproveUserId is not the userId of any of "users": add that user or correct the ID.',
    });
  }
  return problems;
}

/** The index of each value's first occurrence; later occurrences are reported. */
function firstIndexes(values: string[], duplicate: (index: number, first: number) => void): Map<string, number> {
  const first = new Map<string, number>();
  values.forEach((value, index) => {
    const earlier = first.get(value);
    if (earlier === undefined) {
      first.set(value, index);
    } else {
      duplicate(index, earlier);
    }
  });
  return first;
}

/** Why LINE's console would not accept this callback URL, or undefined when it would. */
export function callbackAdvice(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not an absolute URL: write it with scheme and host, e.g. "http://localhost:3000/callback".';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return 'must start with http:// or https://.';
  }
  // RFC 6749 §3.1.2: the redirection endpoint URI must not include a fragment.
  if (url.includes('#')) {
    return 'must not contain a fragment (#...): remove it; LINE sends code and state in the query.';
  }
  return undefined;
}
