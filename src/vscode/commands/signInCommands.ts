/** lineLogin.signIn and lineLogin.signInWithRedirectUrl. */
import vscode = require('vscode');
import { accountLabel } from '../../core/accountModel';
import { accountSummary, type AccountSummary } from '../../core/accountSummary';
import { channelLabel, parseLoginOptions, type ChannelConfig } from '../../core/channels';
import { InputError } from '../../core/errors';
import { validateScopes } from '../../core/lineClient';
import {
  beginAuthorization,
  completeWithRedirectedUrl,
  signInWithLoopback,
  type SignInRequest,
  type SignInResult,
} from '../../core/loginFlow';
import type { ResultPageStrings } from '../../core/resultPage';
import { recommendSignInMode, type SignInMode } from '../../core/signInMode';
import { hostEnvironment } from '../signInModeContext';
import type { AccountKey } from '../../core/tokenStore';
import { LINE_SCOPES, type LoginOptions } from '../../core/types';
import { readSignInTimeoutMs } from '../config';
import { notify } from '../notifications';
import { askChannelSecret, pickChannel } from '../pickers';
import type { WindowServices } from '../services';
import { channelFromInvocation, rejectUnknownArgs, type Invocation } from './invocation';

const SIGN_IN_ARGS = [
  'channelId',
  'scopes',
  'prompt',
  'botPrompt',
  'uiLocales',
  'maxAge',
  'initialAmrDisplay',
  'switchAmr',
  'disableAutoLogin',
] as const;

export interface SignInHooks {
  /** Shows the newly signed-in account in the tree. */
  revealAccount(key: AccountKey): Promise<void>;
}

function resultPageStrings(): Partial<ResultPageStrings> {
  return {
    lang: vscode.env.language,
    successTitle: vscode.l10n.t('Signed in to LINE Login DevTools.'),
    successMessage: vscode.l10n.t('You can close this tab and return to VS Code.'),
    failureTitle: vscode.l10n.t('Sign-in failed.'),
    failureMessage: vscode.l10n.t('You can close this tab and return to VS Code for details.'),
    alreadyHandledTitle: vscode.l10n.t('This sign-in has already been handled.'),
    alreadyHandledDetail: vscode.l10n.t(
      'Only the first response from LINE is accepted. Start a new sign-in from VS Code if needed.',
    ),
  };
}

/** Automation: `{ channelId, scopes?, prompt?, … }` → a request, no prompts. */
function requestFromArgs(
  services: WindowServices,
  args: Record<string, unknown>,
): { channel: ChannelConfig; scopes: string[]; options: LoginOptions } {
  rejectUnknownArgs(args, SIGN_IN_ARGS);
  const channelId = channelFromInvocation({ automated: true, args, node: undefined });
  const channel = services.channels.require(channelId ?? '');
  const scopes = args.scopes === undefined ? channel.scopes : args.scopes;
  if (!Array.isArray(scopes) || !scopes.every((s): s is string => typeof s === 'string')) {
    throw new InputError('ERR_INVALID_INPUT', 'scopes must be a list such as ["profile", "openid"].', 'scopes');
  }
  validateScopes(scopes);
  const optionArgs = Object.fromEntries(
    Object.entries(args).filter(([key]) => key !== 'channelId' && key !== 'scopes'),
  );
  return { channel, scopes, options: { ...channel.loginOptions, ...parseLoginOptions(optionArgs) } };
}

interface OptionItem extends vscode.QuickPickItem {
  apply: (options: LoginOptions) => void;
}

/** Interactive: sign in with the channel's defaults, or adjust scopes and options first. */
async function askScopesAndOptions(
  channel: ChannelConfig,
): Promise<{ scopes: string[]; options: LoginOptions } | undefined> {
  const defaults = { label: vscode.l10n.t('$(sign-in) Sign in with {0}', channel.scopes.join(' ')), adjust: false };
  const adjust = { label: vscode.l10n.t('$(settings) Adjust scopes and login options…'), adjust: true };
  const choice = await vscode.window.showQuickPick([defaults, adjust], {
    title: vscode.l10n.t('Sign in to {0}', channelLabel(channel)),
    ignoreFocusOut: true,
  });
  if (choice === undefined) {
    return undefined;
  }
  if (!choice.adjust) {
    return { scopes: channel.scopes, options: channel.loginOptions };
  }

  const scopeItems = await vscode.window.showQuickPick(
    LINE_SCOPES.map((scope) => ({ label: scope, picked: channel.scopes.includes(scope) })),
    {
      title: vscode.l10n.t('Scopes'),
      canPickMany: true,
      ignoreFocusOut: true,
      placeHolder: vscode.l10n.t('profile or openid is required; email needs openid and the email permission'),
    },
  );
  if (scopeItems === undefined) {
    return undefined;
  }
  const scopes = scopeItems.map((item) => item.label);
  validateScopes(scopes);

  const current = channel.loginOptions;
  const items: OptionItem[] = [
    {
      label: 'prompt=consent',
      description: vscode.l10n.t('Always show the consent screen'),
      picked: current.prompt === 'consent',
      apply: (o) => (o.prompt = 'consent'),
    },
    {
      label: 'prompt=login',
      description: vscode.l10n.t('Force authentication (no auto login)'),
      picked: current.prompt === 'login',
      apply: (o) => (o.prompt = 'login'),
    },
    {
      label: 'bot_prompt=normal',
      description: vscode.l10n.t('Offer to add the Official Account on the consent screen'),
      picked: current.botPrompt === 'normal',
      apply: (o) => (o.botPrompt = 'normal'),
    },
    {
      label: 'bot_prompt=aggressive',
      description: vscode.l10n.t('Offer the Official Account on a separate screen'),
      picked: current.botPrompt === 'aggressive',
      apply: (o) => (o.botPrompt = 'aggressive'),
    },
    {
      label: 'initial_amr_display=lineqr',
      description: vscode.l10n.t('Show QR code login first'),
      picked: current.initialAmrDisplay === 'lineqr',
      apply: (o) => (o.initialAmrDisplay = 'lineqr'),
    },
    {
      label: 'switch_amr=false',
      description: vscode.l10n.t('Hide the login method switch'),
      picked: current.switchAmr === false,
      apply: (o) => (o.switchAmr = false),
    },
    {
      label: 'disable_auto_login=true',
      description: vscode.l10n.t('Disable auto login'),
      picked: current.disableAutoLogin === true,
      apply: (o) => (o.disableAutoLogin = true),
    },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Login options'),
    canPickMany: true,
    ignoreFocusOut: true,
  });
  if (picked === undefined) {
    return undefined;
  }
  const options: LoginOptions = {};
  for (const item of picked) {
    item.apply(options);
  }

  const locales = await vscode.window.showInputBox({
    title: 'ui_locales',
    prompt: vscode.l10n.t('Optional: language tags separated by spaces, e.g. "ja en"'),
    value: current.uiLocales?.join(' ') ?? '',
    ignoreFocusOut: true,
  });
  if (locales === undefined) {
    return undefined;
  }
  const maxAge = await vscode.window.showInputBox({
    title: 'max_age',
    prompt: vscode.l10n.t('Optional: seconds since the last authentication after which LINE must re-authenticate'),
    value: current.maxAge === undefined ? '' : String(current.maxAge),
    ignoreFocusOut: true,
    validateInput: (value) =>
      value === '' || /^\d+$/.test(value) ? undefined : vscode.l10n.t('A whole number of seconds'),
  });
  if (maxAge === undefined) {
    return undefined;
  }
  return {
    scopes,
    options: {
      ...options,
      ...parseLoginOptions({
        uiLocales: locales === '' ? undefined : locales,
        maxAge: maxAge === '' ? undefined : Number(maxAge),
      }),
    },
  };
}

async function ensureSecret(
  services: WindowServices,
  channel: ChannelConfig,
  invocation: Invocation,
): Promise<boolean> {
  if (invocation.automated || (await services.channels.hasSecret(channel.channelId))) {
    return true;
  }
  const secret = await askChannelSecret(channel.channelId, true);
  if (secret === undefined || secret === '') {
    return false;
  }
  services.logger.redactor.add(secret);
  await services.channels.save(channel, secret);
  return true;
}

async function askMode(services: WindowServices): Promise<SignInMode | undefined> {
  const environment = hostEnvironment();
  const recommendation = recommendSignInMode(environment);
  services.logger.info(
    `Extension host: ${environment.uiKind} UI, remote ${environment.remoteName ?? 'none'}, server host ${environment.remoteHost ?? 'unknown'} → ${recommendation.mode} (${recommendation.reason}); folder ${vscode.workspace.workspaceFolders?.[0]?.uri.scheme ?? '-'}`,
  );
  if (recommendation.mode === 'loopback') {
    return 'loopback';
  }
  const paste = {
    label: vscode.l10n.t('$(link) Paste the redirected URL'),
    detail: vscode.l10n.t("Recommended here: the browser may not reach this extension host's loopback address."),
    mode: 'pasteRedirectUrl' as const,
  };
  const loopback = {
    label: vscode.l10n.t('$(globe) Use the loopback callback anyway'),
    detail: vscode.l10n.t('Works when the browser runs on the same machine as the extension host.'),
    mode: 'loopback' as const,
  };
  return (
    await vscode.window.showQuickPick([paste, loopback], {
      title: vscode.l10n.t('How should the browser hand the sign-in back?'),
      ignoreFocusOut: true,
    })
  )?.mode;
}

export async function signIn(
  services: WindowServices,
  hooks: SignInHooks,
  invocation: Invocation,
  forcedMode?: SignInMode,
): Promise<AccountSummary | undefined> {
  let channel: ChannelConfig;
  let scopes: string[];
  let options: LoginOptions;
  let mode: SignInMode;
  if (invocation.automated) {
    ({ channel, scopes, options } = requestFromArgs(services, invocation.args));
    mode = forcedMode ?? 'loopback';
    if (mode === 'pasteRedirectUrl') {
      throw new InputError(
        'ERR_INVALID_INPUT',
        'lineLogin.signInWithRedirectUrl needs a person to paste the URL; automation uses lineLogin.signIn.',
      );
    }
  } else {
    const channelId = channelFromInvocation(invocation);
    const picked =
      channelId === undefined
        ? await pickChannel(services, vscode.l10n.t('Sign in to which channel?'))
        : services.channels.require(channelId);
    if (picked === undefined) {
      return undefined;
    }
    channel = picked;
    if (!(await ensureSecret(services, channel, invocation))) {
      return undefined;
    }
    const chosen = await askScopesAndOptions(channel);
    if (chosen === undefined) {
      return undefined;
    }
    ({ scopes, options } = chosen);
    const pickedMode = forcedMode ?? (await askMode(services));
    if (pickedMode === undefined) {
      return undefined;
    }
    mode = pickedMode;
    if (mode === 'loopback') {
      invocation.retryArgs = { channelId: channel.channelId, scopes, ...options };
    }
  }
  return runSignIn(services, hooks, { channel, scopes, options }, mode, invocation);
}

async function runSignIn(
  services: WindowServices,
  hooks: SignInHooks,
  chosen: { channel: ChannelConfig; scopes: string[]; options: LoginOptions },
  mode: SignInMode,
  invocation: Invocation,
): Promise<AccountSummary | undefined> {
  const credentials = await services.credentials(chosen.channel.channelId);
  const request: SignInRequest = {
    channel: credentials,
    callbackUrl: chosen.channel.callbackUrl,
    scopes: chosen.scopes,
    options: chosen.options,
  };
  const deps = services.loginDependencies();
  services.logger.info(
    `Sign-in started for channel ${chosen.channel.channelId} (${mode}, scopes: ${chosen.scopes.join(' ')}).`,
  );

  let result: SignInResult | undefined;
  if (mode === 'loopback') {
    result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Signing in with LINE…'),
        cancellable: true,
      },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => {
          abort.abort();
        });
        try {
          progress.report({ message: vscode.l10n.t('Waiting for the browser at {0}', chosen.channel.callbackUrl) });
          return await signInWithLoopback(request, deps, {
            signal: abort.signal,
            timeoutMs: readSignInTimeoutMs(),
            resultPageStrings: resultPageStrings(),
            openBrowser: (url) => Promise.resolve(vscode.env.openExternal(vscode.Uri.parse(url, true))),
            onStage: (stage) => {
              services.fireSignInStage(stage);
              services.logger.info(`Sign-in stage: ${stage}`);
              if (stage === 'exchanging') {
                progress.report({ message: vscode.l10n.t('Exchanging the authorization code…') });
              }
            },
          });
        } finally {
          cancel.dispose();
        }
      },
    );
  } else {
    const pending = await beginAuthorization(request, deps);
    await vscode.env.openExternal(vscode.Uri.parse(pending.authorizeUrl, true));
    const pasted = await vscode.window.showInputBox({
      title: vscode.l10n.t('Paste the redirected URL'),
      prompt: vscode.l10n.t(
        'After approving in the browser, copy the whole URL from the address bar (it starts with {0}) and paste it here. The page itself may fail to load: that is expected.',
        chosen.channel.callbackUrl,
      ),
      ignoreFocusOut: true,
      password: true,
    });
    if (pasted === undefined) {
      return undefined;
    }
    result = await completeWithRedirectedUrl(pending, pasted, deps);
  }

  const tokenSet = result.tokenSet;
  services.rememberTokens(tokenSet);
  const key = { channelId: tokenSet.channelId, userId: tokenSet.userId };
  await services.selection.set(key);
  // Not awaited: the tokens are stored and selected; VS Code drawing the view is not part of the
  // result (it can take hundreds of ms while the view opens). revealAccount logs its own failures.
  void hooks.revealAccount(key);
  const summary = accountSummary(tokenSet, services.now());
  services.logger.info(
    `Signed in: channel ${key.channelId}, user ${key.userId}${result.profileErrorCode ? ` (profile not fetched: ${result.profileErrorCode})` : ''}.`,
  );
  if (!invocation.automated) {
    notify('info', vscode.l10n.t('Signed in to {0} as {1}.', channelLabel(chosen.channel), accountLabel(tokenSet)));
  }
  return summary;
}
