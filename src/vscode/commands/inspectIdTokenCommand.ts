/**
 * lineLogin.inspectIdToken: the backend verification workbench for an ID token from elsewhere (LIFF,
 * the LINE SDKs, a backend log). The document and the result hold neither the token nor the channel
 * secret (docs/security.md §12); the token is registered with the log redactor as soon as it is read.
 */
import vscode = require('vscode');
import { backendSnippets } from '../../core/backendSnippets';
import { inspectIdToken, type IdTokenInspection } from '../../core/foreignIdToken';
import { InputError } from '../../core/errors';
import { explainClaimsLocalized } from '../claimText';
import { askForJwt, pickChannel } from '../pickers';
import type { ReadOnlyDocuments } from '../readOnlyDocuments';
import type { WindowServices } from '../services';
import { codeSpan, fencedBlock, inlineMarkdown, markdownTable, type MarkdownCell } from '../../core/markdownText';
import { booleanArg, rejectUnknownArgs, stringArg, type Invocation } from './invocation';

function findToken(): Promise<string | undefined> {
  return askForJwt(
    vscode.l10n.t('Inspect LINE ID Token'),
    vscode.l10n.t('Paste an ID token from liff.getIDToken(), the LINE SDK or a backend log. It stays on this machine.'),
  );
}

export async function inspectIdTokenCommand(
  services: WindowServices,
  documents: ReadOnlyDocuments,
  invocation: Invocation,
): Promise<IdTokenInspection | undefined> {
  let token: string | undefined;
  let channelId: string | undefined;
  let onServer: boolean;
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, ['token', 'channelId', 'onServer']);
    token = stringArg(invocation.args, 'token');
    channelId = stringArg(invocation.args, 'channelId', 'optional');
    onServer = booleanArg(invocation.args, 'onServer');
  } else {
    token = await findToken();
    if (token === undefined || token === '') {
      return undefined;
    }
    channelId = (await pickChannel(services, vscode.l10n.t('The channel the token was issued to')))?.channelId;
    const server = vscode.l10n.t("Locally and on LINE's verify endpoint");
    const picked = await vscode.window.showQuickPick([vscode.l10n.t('Locally only'), server], {
      placeHolder: vscode.l10n.t('Where to verify the token'),
      ignoreFocusOut: true,
    });
    if (picked === undefined) {
      return undefined;
    }
    onServer = picked === server;
  }
  services.logger.redactor.add(token);
  if (channelId !== undefined && services.channels.get(channelId) === undefined) {
    throw new InputError(
      'ERR_INVALID_CHANNEL',
      `Channel ${channelId} is not registered here: add it first (LINE Login: Add Channel…).`,
      'channelId',
    );
  }
  const channel =
    channelId === undefined
      ? undefined
      : (await services.channels.hasSecret(channelId))
        ? await services.credentials(channelId)
        : { channelId };
  const client = services.client;
  const inspection = await inspectIdToken(token, {
    ...(channel === undefined ? {} : { channel }),
    jwks: services.jwks,
    issuer: client.endpoints.authorizeBaseUrl,
    now: () => new Date(services.now()),
    ...(onServer
      ? {
          verifyOnServer: async (idToken: string, id: string) => ({
            ...(await client.verifyIdTokenOnServer({ idToken, channelId: id })),
          }),
        }
      : {}),
  });
  if (!invocation.automated) {
    await documents.show(vscode.l10n.t('LINE ID token inspection'), renderInspection(services, inspection));
  }
  return inspection;
}

function kindText(inspection: IdTokenInspection): string {
  switch (inspection.kind) {
    case 'web-login':
      return vscode.l10n.t('HS256: from web login, signed with the channel secret.');
    case 'native-sdk-or-liff':
      return vscode.l10n.t(
        "ES256: from the LINE SDK or LIFF, signed with a key of LINE's JWKS (kid {0}).",
        inspection.kid ?? '—',
      );
    default:
      return vscode.l10n.t('{0}: LINE never signs ID tokens this way.', inspection.alg);
  }
}

function timeText(inspection: IdTokenInspection): string {
  const { times } = inspection;
  switch (times.status) {
    case 'expired':
      return vscode.l10n.t(
        "⛔ Expired by this machine's clock ({0} s ago; tolerance {1} s).",
        -(times.exp?.secondsFromNow ?? 0),
        times.skewSeconds,
      );
    case 'not-yet-valid':
      return vscode.l10n.t(
        "⛔ Not yet valid: issued {0} s in the future of this machine's clock (tolerance {1} s).",
        times.iat?.secondsFromNow ?? 0,
        times.skewSeconds,
      );
    case 'valid':
      return vscode.l10n.t(
        "✅ Within its lifetime by this machine's clock (expires in {0} s; tolerance {1} s).",
        times.exp?.secondsFromNow ?? 0,
        times.skewSeconds,
      );
    default:
      return vscode.l10n.t('The token has no usable exp or iat.');
  }
}

function renderInspection(services: WindowServices, inspection: IdTokenInspection): string {
  const blocks: string[] = [`# ${inlineMarkdown(vscode.l10n.t('LINE ID token inspection'))}`];
  blocks.push(inlineMarkdown(kindText(inspection)));
  const verdict = inspection.valid
    ? vscode.l10n.t('✅ A backend should accept this token for channel {0}.', inspection.channelId ?? '—')
    : vscode.l10n.t('❌ A backend must reject this token.');
  blocks.push(inlineMarkdown(verdict), inlineMarkdown(timeText(inspection)));
  if (inspection.problems.length > 0) {
    blocks.push(
      `## ${inlineMarkdown(vscode.l10n.t('Problems'))}`,
      inspection.problems.map((problem) => `- ${codeSpan(problem.code)} ${inlineMarkdown(problem.message)}`).join('\n'),
    );
  }
  const yesNo = (ok: boolean): string => (ok ? '✅' : '❌');
  const rows: MarkdownCell[][] = [
    [
      vscode.l10n.t('Local check'),
      `${inspection.signature.checked ? yesNo(inspection.signature.ok) : '—'} ${inspection.signature.method}`,
      yesNo(inspection.valid),
    ],
  ];
  if (inspection.server) {
    rows.push([
      vscode.l10n.t('LINE verify endpoint'),
      inspection.server.errorCode ?? '',
      `${yesNo(inspection.server.ok)} ${inspection.server.message ?? ''}`,
    ]);
  }
  blocks.push(
    `## ${inlineMarkdown(vscode.l10n.t('Verification'))}`,
    markdownTable([vscode.l10n.t('Check'), vscode.l10n.t('Signature'), vscode.l10n.t('Accepted')], rows),
  );
  blocks.push(
    `## ${inlineMarkdown(vscode.l10n.t('Claims'))}`,
    markdownTable(
      [vscode.l10n.t('Claim'), vscode.l10n.t('Value'), vscode.l10n.t('Meaning')],
      explainClaimsLocalized(inspection.claims, services.now()).map((item): MarkdownCell[] => [
        { markdown: codeSpan(item.claim) },
        item.display,
        item.explanation,
      ]),
    ),
  );
  const channelId = inspection.channelId;
  if (channelId !== undefined && /^[0-9]+$/.test(channelId)) {
    const api = services.client.endpoints.apiBaseUrl;
    blocks.push(`## ${inlineMarkdown(vscode.l10n.t('Backend verification code'))}`);
    blocks.push(
      inlineMarkdown(
        vscode.l10n.t(
          'Set LINE_ID_TOKEN (and LINE_CHANNEL_SECRET for HS256) in the environment; no secret is written here.',
        ),
      ),
    );
    for (const snippet of backendSnippets({
      channelId,
      kind: inspection.kind,
      issuer: services.client.endpoints.authorizeBaseUrl,
      jwksUrl: `${api}/oauth2/v2.1/certs`,
      verifyUrl: `${api}/oauth2/v2.1/verify`,
    })) {
      blocks.push(`### ${snippet.language}`, fencedBlock(snippet.code, snippet.fence));
    }
  }
  return `${blocks.join('\n\n')}\n`;
}
