/**
 * Error codes → what the user reads: the code's advice in the display language, then the failure's
 * particulars (the core's English `specifics`), then the code. Automation callers get the core's
 * message, which starts with the same advice in English.
 */
import vscode = require('vscode');
import { ERROR_ADVICE } from '../core/errorAdvice';
import { isLineLoginError, type LineLoginErrorCode } from '../core/errors';
import { messageOf } from '../core/messageOf';

/** What the user can do next, offered as notification buttons. */
export type ErrorAction =
  | 'showLog'
  | 'signInAgain'
  | 'retryWithoutAutoLogin'
  | 'copyCallbackUrl'
  | 'editChannel'
  | 'openSettings'
  | 'retrySavingTokens'
  | 'resetStoredTokens';

export interface PresentedError {
  message: string;
  actions: ErrorAction[];
}

/**
 * The Japanese of every code's advice; the English is the core's ERROR_ADVICE, the one source of
 * each code's text. A table keyed by code rather than the l10n bundle, which is keyed by English
 * sentences: the compiler then holds both tables to the same list of codes.
 */
export const ERROR_ADVICE_JA = {
  ERR_LINE_BAD_REQUEST: 'LINE がリクエストを無効として拒否しました。',
  ERR_LINE_INVALID_GRANT:
    'この認可コードまたはリフレッシュトークンは LINE で受け付けられなくなりました (使用済み、期限切れ、または取り消し済み)。または redirect_uri が認可リクエストと異なります。もう一度ログインしてください。',
  ERR_LINE_INVALID_CLIENT:
    'LINE がチャネル ID またはチャネルシークレットを拒否しました。LINE Developers コンソールのチャネル基本設定タブで両方を確認し、チャネルを編集してください。',
  ERR_LINE_ACCESS_TOKEN_INVALID:
    'アクセストークンが期限切れか、取り消されたか、この API では有効ではありません。更新するか、もう一度ログインしてください。',
  ERR_LINE_FORBIDDEN:
    'トークンに、この API に必要なスコープまたは権限 (profile、openid、またはメールアドレス取得権限) がありません。',
  ERR_LINE_PAYLOAD_TOO_LARGE: 'LINE がリクエストを大きすぎるとして拒否しました。',
  ERR_LINE_RATE_LIMITED:
    'LINE がこのチャネルのリクエストを制限しています (レート制限)。しばらく待ってからやり直してください。このツールが繰り返し再試行することはありません。',
  ERR_LINE_SERVER_ERROR: 'LINE でサーバーエラーが発生しました。しばらくしてからやり直してください。',
  ERR_LINE_UNEXPECTED_STATUS: 'LINE が想定外のステータスで応答しました。',
  ERR_LINE_MALFORMED_RESPONSE:
    'LINE の応答を読み取れませんでした (JSON ではない、途中で切れている、またはフィールドが欠けている・型が違う・範囲外)。プロキシが干渉している可能性があります。',
  ERR_NETWORK_TIMEOUT:
    'LINE から時間内に応答がありませんでした。ネットワークまたはプロキシを確認してから、やり直してください。',
  ERR_NETWORK_ABORTED: 'リクエストはキャンセルされました。',
  ERR_NETWORK_REFUSED:
    '接続が拒否されました。エミュレーターを使っている場合は、エミュレーターが起動していること、lineLogin.apiBaseUrl がそのエミュレーターを指していることを確認してください。',
  ERR_NETWORK_DNS:
    'LINE API のホスト名を解決できませんでした。ネットワーク、プロキシ、または lineLogin.apiBaseUrl 設定を確認してください。',
  ERR_NETWORK:
    'LINE が応答する前にリクエストが失敗しました。ネットワークまたはプロキシを確認してから、やり直してください。',
  ERR_CALLBACK_URL_INVALID:
    'チャネルのコールバック URL を使用できません。チャネルの LINE ログイン設定タブに登録した URL である必要があり、このマシンでコールバックを受け取るには、localhost、127.0.0.1 または [::1] 上の固定ポートの http URL (例: http://localhost:33418/callback) にしてください。',
  ERR_PORT_IN_USE:
    'コールバックのポートは別のプログラム (または別のログイン処理) で既に使用されています。それを終了してからやり直すか、別のポートのコールバック URL をチャネルの LINE ログイン設定タブに登録してください。',
  ERR_LISTEN_FAILED:
    'コールバック URL のポートで待ち受けできませんでした。1024 未満のポートには通常管理者権限が必要です。1024 より大きい空きポートのコールバック URL を登録してください。',
  ERR_CALLBACK_TIMEOUT:
    'ブラウザーがコールバック URL に戻ってきませんでした。通常は、その URL がチャネルの LINE ログイン設定タブに正確に登録されていないことが原因です (その場合 LINE はリダイレクトせず、独自の「Invalid redirect_uri」ページを表示します)。',
  ERR_CANCELLED: 'ログインはキャンセルされました。',
  ERR_STATE_MISSING:
    'ブラウザーから state パラメーターなしで戻ってきたため、応答をこのログイン処理に結び付けられず、拒否しました。',
  ERR_STATE_MISMATCH:
    'ブラウザーから異なる state が返されたため、応答はこのログイン処理のものではなく、拒否しました。LINE の自動ログインでこのように失敗することがあります。自動ログインを無効にして (disable_auto_login) やり直してください。',
  ERR_CODE_MISSING: 'LINE から認可コードなしでリダイレクトされました。',
  ERR_ACCESS_DENIED: 'LINE の同意画面でログインが拒否されたか、キャンセルされました。',
  ERR_AUTHORIZE_FAILED: 'LINE が認可リクエストを拒否しました。',
  ERR_REDIRECT_URL_INVALID:
    'LINE のリダイレクト先の URL ではありません。ログイン後、ブラウザーのアドレスバーから URL 全体 (コールバック URL で始まり、code= と state= を含みます。ページ自体の読み込みに失敗していても構いません) をコピーして貼り付けてください。',
  ERR_ID_TOKEN_MALFORMED:
    'ID トークンが正しい形式の JWT (ドットで区切られた 3 つの base64url の部分) ではありません。全体がコピーされているか確認してください。',
  ERR_ID_TOKEN_MISSING:
    'openid スコープを要求したのに LINE が ID トークンを返さなかったため、このログインを確認 (nonce) できず、何も保存していません。やり直してください。続く場合は lineLogin.apiBaseUrl を確認してください。',
  ERR_ID_TOKEN_ALG_NOT_ALLOWED:
    'ID トークンが、ここでは受け入れない署名アルゴリズムで署名されています。LINE は ID トークンを HS256 (ウェブログイン、チャネルシークレットで検証) または ES256 (LINE SDK と LIFF、LINE の公開鍵で検証) で署名し、"none" は使いません。',
  ERR_ID_TOKEN_SIGNATURE_INVALID:
    'ID トークンの署名が一致しません。HS256 の場合はチャネルシークレットがトークンを発行したチャネルのものではありません (LINE Developers コンソールでチャネル ID とシークレットを確認してください)。それ以外の場合は、トークンが改ざんされたか LINE が発行したものではありません。',
  ERR_ID_TOKEN_KEY_NOT_FOUND:
    'LINE の鍵セットに、ID トークンの "kid" の鍵がありません (鍵は kid だけで選びます)。トークンがこの LINE API で署名されていない (lineLogin.apiBaseUrl を確認してください) か、LINE が鍵を更新した直後です。少し待ってからやり直してください。',
  ERR_ID_TOKEN_JWKS_UNAVAILABLE:
    'LINE の署名鍵を読み込めなかったため、ES256 の ID トークンを検証できません。ネットワークと lineLogin.apiBaseUrl 設定を確認してください。',
  ERR_ID_TOKEN_ISSUER_INVALID:
    'ID トークンの発行者が、期待する発行者 (lineLogin.authorizeBaseUrl 設定。LINE 自体は https://access.line.me、エミュレーターではその URL) と異なります。LINE のトークンをエミュレーターの設定で検証すると (またはその逆でも) ここで失敗します。',
  ERR_ID_TOKEN_AUDIENCE_INVALID:
    'ID トークンは別のチャネル向けに発行されたものです ("aud"、または複数のオーディエンスがある場合は "azp" がこのチャネル ID ではありません)。ユーザーがログインしたチャネルの ID か確認してください。',
  ERR_ID_TOKEN_EXPIRED:
    'ID トークンの有効期限が切れています (LINE の ID トークンの有効期間は約 1 時間です)。新しいトークンを得るにはもう一度ログインしてください。アクセストークンを更新しても新しい ID トークンは返されません。',
  ERR_ID_TOKEN_IAT_INVALID:
    'ID トークンの発行時刻 ("iat") がないか、数値ではないか、未来の時刻です。このコンピューターの時計を確認してください。',
  ERR_ID_TOKEN_NONCE_INVALID:
    'ID トークンの nonce が、このログインで送信したものではありません。トークンは別のログイン処理のものか、リプレイされたものです。',
  ERR_ID_TOKEN_AUTH_TIME_MISSING:
    '認可リクエストで max_age を送信したのに、ID トークンに "auth_time" がありません。LINE は max_age を送信すると必ず含めます。',
  ERR_ID_TOKEN_CLAIM_INVALID: 'ID トークンのクレームがないか、型が違うか、このログインで許される範囲外です。',
  ERR_ACCESS_TOKEN_CHANNEL_MISMATCH:
    'LINE によると、このアクセストークンは別のチャネルに発行されたものです。このチャネルでは受け入れないでください。',
  ERR_ACCESS_TOKEN_EXPIRED:
    'LINE によると、このアクセストークンの有効期間は残っていません。更新するか、もう一度ログインしてください。',
  ERR_ACCOUNT_NOT_FOUND: 'そのアカウントはここでログインしていないか、該当するトークンがありません。',
  ERR_NO_REFRESH_TOKEN:
    'このアカウントにはリフレッシュトークンがないため、更新できません。もう一度ログインしてください。',
  ERR_REFRESH_TOKEN_EXPIRED:
    'リフレッシュトークンの有効期限が切れています (LINE では最初のログインから 90 日間)。もう一度ログインしてください。',
  ERR_STORE_CORRUPT:
    '保存されたトークンを読み込めず、退避することもできませんでした。何も上書きしていません。保存されたトークンをリセットしてやり直してください。',
  ERR_STORE_UNAVAILABLE:
    'VS Code のシークレットストレージ (システムのキーチェーン) がトークンの読み込みまたは保存を拒否しました。何も変更していません。',
  ERR_STORE_WRITE_FAILED:
    'LINE は新しいトークンを発行しましたが、保存できませんでした。このウィンドウがメモリ上に保持しています。ウィンドウを閉じずに保存を再試行してください。',
  ERR_STORE_BUSY: '別の VS Code ウィンドウが保存されたトークンを変更中です。少し待ってからやり直してください。',
  ERR_EXPORT_REFUSED:
    'ファイルは書き込まれませんでした。有効な LINE の認証情報を git が公開しうる場所に置くことになるためです。',
  ERR_INVALID_INPUT: '入力が無効です。',
  ERR_INVALID_ENDPOINT:
    'エンドポイント設定 (lineLogin.authorizeBaseUrl または lineLogin.apiBaseUrl) を使用できません。',
  ERR_INVALID_CHANNEL: 'チャネルの設定が無効です。',
  ERR_INVALID_JWT: 'ヘッダーとクレームを読み取れる JWT ではありません。',
  ERR_LOCAL_LINE_PORT_IN_USE:
    'Local LINE のポートは別のプログラム (または別の VS Code ウィンドウの Local LINE) で既に使用されています。そのプログラムを終了するか、lineLogin.localLine.port 設定で別のポートを選んでください (その場合、アプリの LINE_AUTHORIZE_URL と LINE_API_URL も変わります)。',
  ERR_LOCAL_LINE_NOT_RUNNING: 'Local LINE は起動していません。「LINE Login: Local LINE を起動」で起動してください。',
  ERR_LOCAL_LINE_CHANNEL_UNKNOWN:
    'Local LINE はそのチャネルを提供していません。.vscode/line-emulator.json (「LINE Login: Local LINE の設定ファイルを作成」) にコールバック URL とともに追加するか、Local LINE が提供しているチャネルを選んでください。',
  ERR_LOCAL_LINE_TOKENS_MIXED:
    '切り替えませんでした。一方の LINE (LINE 本体または Local LINE) が発行したトークンが、もう一方に送られてしまうためです。先に一覧のアカウントをログアウトしてから (「ログアウト (ローカルのみ)」なら LINE 上では有効なままです)、やり直してください。',
  ERR_LOCAL_LINE_CONFIG_INVALID:
    'Local LINE の設定ファイルを使用できません。Local LINE は最後に読み込めた設定で動作を続けています。一覧の問題 (行:列) を直してから保存してください。',
} as const satisfies Readonly<Record<LineLoginErrorCode, string>>;

/** A code's advice in a VS Code display language (`vscode.env.language` by default). */
export function errorAdvice(code: LineLoginErrorCode, language: string = vscode.env.language): string {
  return language.toLowerCase().startsWith('ja') ? ERROR_ADVICE_JA[code] : ERROR_ADVICE[code];
}

function actionsFor(code: LineLoginErrorCode): ErrorAction[] {
  switch (code) {
    case 'ERR_CALLBACK_TIMEOUT':
    case 'ERR_CALLBACK_URL_INVALID':
      return ['copyCallbackUrl', 'showLog'];
    case 'ERR_STATE_MISMATCH':
      return ['retryWithoutAutoLogin'];
    case 'ERR_LINE_INVALID_GRANT':
    case 'ERR_NO_REFRESH_TOKEN':
    case 'ERR_REFRESH_TOKEN_EXPIRED':
      return ['signInAgain', 'showLog'];
    case 'ERR_LINE_INVALID_CLIENT':
    case 'ERR_ID_TOKEN_SIGNATURE_INVALID':
      return ['editChannel', 'showLog'];
    case 'ERR_INVALID_ENDPOINT':
    case 'ERR_ID_TOKEN_ISSUER_INVALID':
    case 'ERR_LOCAL_LINE_PORT_IN_USE':
      return ['openSettings'];
    case 'ERR_STORE_WRITE_FAILED':
      return ['retrySavingTokens', 'showLog'];
    case 'ERR_STORE_CORRUPT':
    case 'ERR_STORE_UNAVAILABLE':
      return ['showLog', 'resetStoredTokens'];
    default:
      return ['showLog'];
  }
}

/** The localized advice plus the core's particulars (port, callback URL, LINE's words, request ID). */
export function presentError(error: unknown): PresentedError {
  if (!isLineLoginError(error)) {
    return {
      message: vscode.l10n.t('Unexpected error: {0}', messageOf(error)),
      actions: ['showLog'],
    };
  }
  const advice = errorAdvice(error.code);
  const message = error.specifics === '' ? advice : `${advice} — ${error.specifics}`;
  return { message: `${message} [${error.code}]`, actions: actionsFor(error.code) };
}

export function actionLabel(action: ErrorAction): string {
  switch (action) {
    case 'showLog':
      return vscode.l10n.t('Show Log');
    case 'signInAgain':
      return vscode.l10n.t('Sign In Again');
    case 'retryWithoutAutoLogin':
      return vscode.l10n.t('Retry Without Auto Login');
    case 'copyCallbackUrl':
      return vscode.l10n.t('Copy Callback URL');
    case 'editChannel':
      return vscode.l10n.t('Edit Channel');
    case 'openSettings':
      return vscode.l10n.t('Open Settings');
    case 'retrySavingTokens':
      return vscode.l10n.t('Retry Saving');
    case 'resetStoredTokens':
      return vscode.l10n.t('Reset Stored Tokens…');
  }
}
