/**
 * The one writer of REST Client / httpyac request files (`.http`), and "Create .http File…": LINE
 * Login's user endpoints, every credential read from the `.env` beside the file with
 * `{{$dotenv NAME}}` (REST Client's syntax, which httpyac also understands), so the file holds no
 * secret and can be committed. The Inspector's "Export as .http" (inspector/report.ts) writes a
 * recorded flow with the same writer.
 * Endpoints: https://developers.line.biz/en/reference/line-login/
 */
import { DOTENV_VARIABLES } from './dotEnv';

export interface HttpFileRequest {
  /** The `###` title. */
  name: string;
  method: string;
  /** With `{{variable}}` references. */
  url: string;
  headers: readonly (readonly [string, string])[];
  body?: string;
}

const FILE_VARIABLES: readonly (readonly [string, string])[] = [
  ['apiBaseUrl', DOTENV_VARIABLES.apiBaseUrl],
  ['channelId', DOTENV_VARIABLES.channelId],
  ['userId', DOTENV_VARIABLES.userId],
  ['accessToken', DOTENV_VARIABLES.accessToken],
  ['accessTokenUrlEncoded', DOTENV_VARIABLES.accessTokenUrlEncoded],
  ['idToken', DOTENV_VARIABLES.idToken],
  ['refreshToken', DOTENV_VARIABLES.refreshToken],
  ['channelSecret', DOTENV_VARIABLES.channelSecret],
];

const FORM = ['Content-Type', 'application/x-www-form-urlencoded'] as const;
const BEARER = ['Authorization', 'Bearer {{accessToken}}'] as const;

export const LINE_HTTP_REQUESTS: readonly HttpFileRequest[] = [
  { name: 'Profile', method: 'GET', url: '{{apiBaseUrl}}/v2/profile', headers: [BEARER] },
  { name: 'User info (openid scope)', method: 'GET', url: '{{apiBaseUrl}}/oauth2/v2.1/userinfo', headers: [BEARER] },
  { name: 'Friendship status', method: 'GET', url: '{{apiBaseUrl}}/friendship/v1/status', headers: [BEARER] },
  {
    name: 'Verify the access token',
    method: 'GET',
    url: '{{apiBaseUrl}}/oauth2/v2.1/verify?access_token={{accessTokenUrlEncoded}}',
    headers: [],
  },
  {
    name: 'Verify the ID token',
    method: 'POST',
    url: '{{apiBaseUrl}}/oauth2/v2.1/verify',
    headers: [FORM],
    body: 'id_token={{idToken}}&client_id={{channelId}}&user_id={{userId}}',
  },
  {
    name: `Refresh the access token (needs ${DOTENV_VARIABLES.refreshToken} and ${DOTENV_VARIABLES.channelSecret} in .env)`,
    method: 'POST',
    url: '{{apiBaseUrl}}/oauth2/v2.1/token',
    headers: [FORM],
    body: 'grant_type=refresh_token&refresh_token={{refreshToken}}&client_id={{channelId}}&client_secret={{channelSecret}}',
  },
];

export interface HttpFile {
  /** The `#` comment lines at the top, without the `# `. */
  readonly comments: readonly string[];
  /** `@name = value` file variables, after the comments. */
  readonly variables?: readonly (readonly [string, string])[];
  readonly requests: readonly HttpFileRequest[];
}

export function writeHttpFile(file: HttpFile): string {
  const lines = file.comments.map((comment) => `# ${comment}`);
  if (file.variables !== undefined && file.variables.length > 0) {
    lines.push('', ...file.variables.map(([name, value]) => `@${name} = ${value}`));
  }
  for (const request of file.requests) {
    lines.push('', `### ${request.name}`, `${request.method} ${request.url}`);
    for (const [header, value] of request.headers) {
      lines.push(`${header}: ${value}`);
    }
    if (request.body !== undefined) {
      lines.push('', request.body);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function renderHttpFile(requests: readonly HttpFileRequest[] = LINE_HTTP_REQUESTS): string {
  return writeHttpFile({
    comments: [
      'LINE Login requests for REST Client or httpyac. Written by LINE Login DevTools.',
      'Credentials come from the .env file in this folder ("LINE Login: Export to .env File…");',
      'this file holds none and may be committed. The refresh request also needs',
      `${DOTENV_VARIABLES.refreshToken} (the export's second choice) and ${DOTENV_VARIABLES.channelSecret}, which the`,
      'extension never writes: add the channel secret yourself if you want to refresh from here.',
    ],
    variables: FILE_VARIABLES.map(([name, variable]) => [name, `{{$dotenv ${variable}}}`] as const),
    requests,
  });
}
