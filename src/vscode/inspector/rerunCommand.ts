/**
 * "Run Again With Changes…": the same sign-in with edited authorize parameters, then a document
 * comparing the two runs. Automation: `lineLogin.runFlowAgain { flowId, changes? }` with changes in
 * LINE's parameter names, e.g. `{ prompt: 'consent', scope: 'profile openid' }`.
 */
import vscode = require('vscode');
import { InputError } from '../../core/errors';
import type { Flow } from '../../core/inspector/model';
import { compareFlows, editableParams, formatParams, parseParams, signInArgs } from '../../core/inspector/rerun';
import { isPlainObject, type Invocation } from '../commands/invocation';
import type { ReadOnlyDocuments } from '../readOnlyDocuments';
import type { WindowServices } from '../services';

function changesFromArgs(args: Record<string, unknown>): Record<string, string> {
  const changes = args.changes;
  if (changes === undefined) {
    return {};
  }
  if (!isPlainObject(changes) || !Object.values(changes).every((v) => typeof v === 'string')) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      'changes must be an object of authorize parameters, e.g. { "prompt": "consent" }.',
      'changes',
    );
  }
  return parseParams(formatParams(changes as Record<string, string>));
}

export async function runFlowAgain(
  services: WindowServices,
  documents: ReadOnlyDocuments,
  original: Flow,
  invocation: Invocation,
): Promise<unknown> {
  if (
    original.kind !== 'signIn' ||
    original.channelId === undefined ||
    !original.steps.some((s) => s.name === 'authorize')
  ) {
    throw new InputError('ERR_INVALID_INPUT', 'Only a sign-in flow that reached LINE can be run again.', 'flowId');
  }
  const current = editableParams(original);
  let params: Record<string, string>;
  if (invocation.automated) {
    params = { ...current, ...changesFromArgs(invocation.args) };
  } else {
    const edited = await vscode.window.showInputBox({
      title: vscode.l10n.t('Run Again With Changes'),
      prompt: vscode.l10n.t(
        'Edit the authorize parameters (name=value joined by &): scope, prompt, bot_prompt, ui_locales, max_age, initial_amr_display, switch_amr, disable_auto_login.',
      ),
      value: formatParams(current),
      ignoreFocusOut: true,
      validateInput: (value) => {
        try {
          parseParams(value);
          return undefined;
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
      },
    });
    if (edited === undefined) {
      return undefined;
    }
    params = parseParams(edited);
  }
  const args = signInArgs(original.channelId, params);
  const before = new Set(services.recorder.flows().map((flow) => flow.id));
  // Outside this command's flow, so the new sign-in is a flow of its own.
  const failure = await services.recorder.outside(() =>
    Promise.resolve(vscode.commands.executeCommand('lineLogin.signIn', args)).then(
      () => undefined,
      (error: unknown) => error,
    ),
  );
  const failedFlowId =
    typeof failure === 'object' && failure !== null && 'flowId' in failure ? failure.flowId : undefined;
  const rerun =
    (typeof failedFlowId === 'string' ? services.recorder.flow(failedFlowId) : undefined) ??
    services.recorder.flows().find((flow) => !before.has(flow.id) && flow.kind === 'signIn');
  if (rerun === undefined) {
    return undefined; // the sign-in was cancelled before it reached LINE
  }
  const comparison = compareFlows(original, rerun);
  if (invocation.automated) {
    return { flowId: rerun.id, outcome: rerun.outcome, comparison };
  }
  await documents.show(vscode.l10n.t('Two runs compared'), comparison);
  return undefined;
}
