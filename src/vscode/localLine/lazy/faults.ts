/**
 * Faults and actions from the UI (issue 12 §4): so an app's error handling can be tried on demand.
 * A fault waits on one endpoint, once or until cleared; an action happens now.
 */
import vscode = require('vscode');
import type { EmulatorEndpoint, EmulatorFault } from '../../../../emulator/index';
import { InputError } from '../../../core/errors';
import { messageOf } from '../../../core/messageOf';
import {
  confirmDestructive,
  isPlainObject,
  rejectUnknownArgs,
  stringArg,
  type Invocation,
} from '../../commands/invocation';
import type { LocalLineServer } from './server';
import { LocalLineNode } from './view';

const ENDPOINTS: readonly EmulatorEndpoint[] = [
  'authorize',
  'token',
  'verify',
  'revoke',
  'verifyIdToken',
  'userinfo',
  'profile',
  'friendship',
  'deauthorize',
  'channelToken',
  'certs',
];

interface Preset {
  label: string;
  fault: EmulatorFault;
  /** Faults of the browser leg belong to the authorize endpoint. */
  endpoint?: EmulatorEndpoint;
}

function presets(): Preset[] {
  return [
    {
      label: vscode.l10n.t('The user denies consent (Cancel on the consent page)'),
      fault: { kind: 'denyConsent' },
      endpoint: 'authorize',
    },
    {
      label: vscode.l10n.t('The user closes the LINE page (nothing comes back)'),
      fault: { kind: 'cancelConsent' },
      endpoint: 'authorize',
    },
    {
      label: vscode.l10n.t('429 Too Many Requests with Retry-After: 60'),
      fault: { kind: 'status', status: 429, retryAfter: 60 },
    },
    { label: vscode.l10n.t('500 Internal Server Error'), fault: { kind: 'status', status: 500 } },
    { label: vscode.l10n.t('Slow answers (5 seconds)'), fault: { kind: 'slow', delayMs: 5000 } },
    { label: vscode.l10n.t('Malformed JSON'), fault: { kind: 'malformedJson' } },
  ];
}

/** How a fault reads in the view. */
export function faultLabel(fault: EmulatorFault): string {
  switch (fault.kind) {
    case 'denyConsent':
      return vscode.l10n.t('deny consent');
    case 'cancelConsent':
      return vscode.l10n.t('the user closes the page');
    case 'status':
      return fault.retryAfter === undefined
        ? String(fault.status)
        : `${fault.status} (Retry-After: ${fault.retryAfter})`;
    case 'slow':
      return vscode.l10n.t('slow ({0} ms)', fault.delayMs);
    case 'malformedJson':
      return vscode.l10n.t('malformed JSON');
    case 'html':
      return vscode.l10n.t('HTML error page');
    case 'emptyBody':
      return vscode.l10n.t('empty body ({0})', fault.status);
    case 'destroySocket':
      return vscode.l10n.t('connection dropped');
  }
}

function endpointArg(args: Record<string, unknown>): EmulatorEndpoint {
  const endpoint = stringArg(args, 'endpoint');
  if (!(ENDPOINTS as readonly string[]).includes(endpoint)) {
    throw new InputError('ERR_INVALID_INPUT', `"endpoint" must be one of ${ENDPOINTS.join(', ')}.`, 'endpoint');
  }
  return endpoint as EmulatorEndpoint;
}

export interface FaultResult {
  endpoint: EmulatorEndpoint;
  fault: EmulatorFault;
  remaining: number | undefined;
}

/** `{ endpoint, fault, times? }` (times absent: until cleared), or picks: the fault, its endpoint, once or sticky. */
export async function setLocalLineFault(
  server: LocalLineServer,
  invocation: Invocation,
): Promise<FaultResult | undefined> {
  const { emulator } = server.require();
  let endpoint: EmulatorEndpoint;
  let fault: EmulatorFault;
  let times: number | undefined;
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, ['endpoint', 'fault', 'times']);
    endpoint = endpointArg(invocation.args);
    const faultArg = invocation.args.fault;
    if (!isPlainObject(faultArg) || typeof faultArg.kind !== 'string') {
      throw new InputError('ERR_INVALID_INPUT', '"fault" must be an object with a "kind".', 'fault');
    }
    fault = faultArg as unknown as EmulatorFault;
    const timesArg = invocation.args.times;
    if (timesArg !== undefined && (typeof timesArg !== 'number' || !Number.isInteger(timesArg) || timesArg < 1)) {
      throw new InputError(
        'ERR_INVALID_INPUT',
        '"times" must be a whole number from 1, or absent (until cleared).',
        'times',
      );
    }
    times = timesArg;
  } else {
    const preset = await vscode.window.showQuickPick(
      presets().map((candidate) => ({ label: candidate.label, preset: candidate })),
      { title: vscode.l10n.t('Which fault should Local LINE answer with?'), ignoreFocusOut: true },
    );
    if (preset === undefined) {
      return undefined;
    }
    const picked =
      preset.preset.endpoint ??
      (
        await vscode.window.showQuickPick(
          ENDPOINTS.filter((candidate) => candidate !== 'authorize').map((candidate) => ({ label: candidate })),
          { title: vscode.l10n.t('On which endpoint?'), ignoreFocusOut: true },
        )
      )?.label;
    if (picked === undefined) {
      return undefined;
    }
    const once = { label: vscode.l10n.t('Once'), times: 1 as number | undefined };
    const sticky = { label: vscode.l10n.t('Until cleared'), times: undefined };
    const how = await vscode.window.showQuickPick([once, sticky], {
      title: vscode.l10n.t('For the next request only, or until cleared?'),
      ignoreFocusOut: true,
    });
    if (how === undefined) {
      return undefined;
    }
    endpoint = picked;
    fault = preset.preset.fault;
    times = how.times;
  }
  try {
    emulator.setFault(endpoint, fault, times);
  } catch (error) {
    // The emulator refuses what it cannot answer with (an unknown kind, a negative Retry-After …).
    throw new InputError('ERR_INVALID_INPUT', messageOf(error), 'fault');
  }
  server.changed();
  return { endpoint, fault, remaining: times };
}

/** A fault node, `{ endpoint }`, or everything. */
export function clearLocalLineFault(server: LocalLineServer, invocation: Invocation): Promise<{ cleared: string }> {
  const { emulator } = server.require();
  let endpoint: EmulatorEndpoint | undefined;
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, ['endpoint']);
    endpoint = invocation.args.endpoint === undefined ? undefined : endpointArg(invocation.args);
  } else if (invocation.node instanceof LocalLineNode && invocation.node.kind === 'fault') {
    endpoint = endpointArg({ endpoint: invocation.node.value });
  }
  if (endpoint === undefined) {
    emulator.clearFaults();
  } else {
    emulator.clearFault(endpoint);
  }
  server.changed();
  return Promise.resolve({ cleared: endpoint ?? 'all' });
}

async function userOf(server: LocalLineServer, invocation: Invocation, title: string): Promise<string | undefined> {
  if (invocation.automated) {
    return stringArg(invocation.args, 'userId');
  }
  if (invocation.node instanceof LocalLineNode && invocation.node.kind === 'user') {
    return invocation.node.value;
  }
  const users = server.require().config.users;
  const picked = await vscode.window.showQuickPick(
    users.map((user) => ({ label: user.displayName, description: user.userId })),
    { title, ignoreFocusOut: true },
  );
  return picked?.description;
}

function knownUser(server: LocalLineServer, userId: string): string {
  if (!server.require().config.users.some((user) => user.userId === userId)) {
    throw new InputError('ERR_INVALID_INPUT', `Local LINE serves no user ${userId}.`, 'userId');
  }
  return userId;
}

export async function expireLocalLineUserTokens(
  server: LocalLineServer,
  invocation: Invocation,
): Promise<{ userId: string } | undefined> {
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, ['userId']);
  }
  const userId = await userOf(server, invocation, vscode.l10n.t("Expire which user's access tokens?"));
  if (userId === undefined) {
    return undefined;
  }
  server.require().emulator.expireUserTokens(knownUser(server, userId));
  return { userId };
}

export async function rotateLocalLineKeys(server: LocalLineServer, invocation: Invocation): Promise<{ rotated: true }> {
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, []);
  }
  // The new kid is not returned: nothing an app needs, and results stay free of key material.
  await server.require().emulator.rotateSigningKey();
  return { rotated: true };
}

export async function revokeAllLocalLineTokens(
  server: LocalLineServer,
  invocation: Invocation,
): Promise<{ revoked: true } | undefined> {
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, ['confirmed']);
  }
  const { emulator } = server.require();
  const confirmed = await confirmDestructive(
    invocation,
    vscode.l10n.t('Revoke every token Local LINE has issued?'),
    vscode.l10n.t('Every access and refresh token of every app and user stops working, as if revoked.'),
    vscode.l10n.t('Revoke All'),
  );
  if (!confirmed) {
    return undefined;
  }
  emulator.revokeAll();
  return { revoked: true };
}

/** "The user unfriended the Official Account" (`friend: true` adds it back). */
export async function setLocalLineFriendship(
  server: LocalLineServer,
  invocation: Invocation,
): Promise<{ userId: string; channelId: string; friend: boolean } | undefined> {
  const running = server.require();
  let friend = false;
  let channelId: string | undefined;
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, ['userId', 'channelId', 'friend']);
    channelId = stringArg(invocation.args, 'channelId');
    const friendArg = invocation.args.friend;
    if (friendArg !== undefined && typeof friendArg !== 'boolean') {
      throw new InputError('ERR_INVALID_INPUT', '"friend" must be true or false.', 'friend');
    }
    friend = friendArg ?? false;
  }
  const userId = await userOf(server, invocation, vscode.l10n.t('Which user unfriended the Official Account?'));
  if (userId === undefined) {
    return undefined;
  }
  if (channelId === undefined) {
    const channels = running.config.channels;
    channelId =
      channels.length === 1
        ? channels[0]?.channelId
        : (
            await vscode.window.showQuickPick(
              channels.map((channel) => ({ label: channel.name ?? channel.channelId, description: channel.channelId })),
              { title: vscode.l10n.t("Which channel's Official Account?"), ignoreFocusOut: true },
            )
          )?.description;
  }
  if (channelId === undefined) {
    return undefined;
  }
  try {
    running.emulator.setFriendship(knownUser(server, userId), channelId, friend);
  } catch (error) {
    throw new InputError('ERR_INVALID_INPUT', messageOf(error), 'channelId');
  }
  return { userId, channelId, friend };
}
