/**
 * Commands that exist for the Get Started walkthrough: its buttons call them, and running them is
 * what completes a step (`completionEvents: onCommand:…`).
 */
import vscode = require('vscode');
import { channelLabel } from '../../core/channels';
import { pickChannel } from '../pickers';
import { notify } from '../notifications';
import type { WindowServices } from '../services';
import { channelFromInvocation, rejectUnknownArgs, type Invocation } from './invocation';

export interface CallbackUrlSummary {
  channelId: string;
  callbackUrl: string;
}

/**
 * Copies a channel's callback URL, the value LINE compares `redirect_uri` with exactly: it has to be
 * pasted into the LINE Login tab of the channel in the LINE Developers Console before a sign-in works.
 */
export async function copyCallbackUrl(
  services: WindowServices,
  invocation: Invocation,
): Promise<CallbackUrlSummary | undefined> {
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, ['channelId']);
  }
  const channelId = channelFromInvocation(invocation);
  const channel =
    channelId === undefined
      ? await pickChannel(services, vscode.l10n.t('Copy the callback URL of which channel?'))
      : services.channels.require(channelId);
  if (channel === undefined) {
    return undefined;
  }
  await vscode.env.clipboard.writeText(channel.callbackUrl);
  if (!invocation.automated) {
    notify(
      'info',
      vscode.l10n.t(
        'Copied {0}. Add it as a callback URL on the LINE Login tab of {1} in the LINE Developers Console.',
        channel.callbackUrl,
        channelLabel(channel),
      ),
    );
  }
  return { channelId: channel.channelId, callbackUrl: channel.callbackUrl };
}
