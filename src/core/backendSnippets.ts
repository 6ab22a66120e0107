/**
 * Backend code that verifies a LINE ID token the way this extension does: one key source per
 * algorithm (RFC 8725 §3.1) — HS256 only with the channel secret, ES256 only with LINE's JWKS — and
 * iss, aud, exp and iat checked with a small tolerance. The channel ID is filled in; the channel
 * secret and the token are read from environment variables, never inlined, so a snippet can be
 * pasted into a chat or a ticket.
 *
 * Each snippet is a complete program: it reads LINE_ID_TOKEN (and LINE_CHANNEL_SECRET for HS256),
 * prints the verified claims as JSON and exits 0, or prints the reason and exits 1.
 */
import { InputError } from './errors';
import type { IdTokenKind } from './foreignIdToken';

export type SnippetLanguage = 'node' | 'python' | 'go' | 'curl';

export interface BackendSnippet {
  language: SnippetLanguage;
  /** Markdown fence language. */
  fence: string;
  /** What to install; empty when nothing is. */
  install: string;
  code: string;
}

export interface SnippetContext {
  channelId: string;
  /** HS256 (web login) or ES256 (SDK, LIFF); an unknown kind gets the ES256 code, LINE's default elsewhere. */
  kind: IdTokenKind;
  /** Expected `iss` (`https://access.line.me` against LINE). */
  issuer: string;
  /** `<apiBaseUrl>/oauth2/v2.1/certs`. */
  jwksUrl: string;
  /** `<apiBaseUrl>/oauth2/v2.1/verify`. */
  verifyUrl: string;
  /** Default DEFAULT_CLOCK_TOLERANCE_SECONDS of idToken.ts. */
  toleranceSeconds?: number;
}

export const SNIPPET_ENV = { token: 'LINE_ID_TOKEN', secret: 'LINE_CHANNEL_SECRET' } as const;

/** Values are embedded as JSON string literals: valid in JavaScript, Python and Go alike. */
function literal(value: string): string {
  return JSON.stringify(value);
}

function checkChannelId(channelId: string): void {
  // Also keeps the curl line safe to paste into a shell: LINE channel IDs are digits.
  if (!/^[0-9]{1,32}$/.test(channelId)) {
    throw new InputError('ERR_INVALID_CHANNEL', 'A LINE channel ID is digits only: check the channel ID.', 'channelId');
  }
}

export function nodeSnippet(context: SnippetContext): BackendSnippet {
  const hs256 = context.kind === 'web-login';
  const tolerance = context.toleranceSeconds ?? 60;
  const key = hs256
    ? `// Web login signs with the channel secret (HS256); never accept ES256 with it.
const key = new TextEncoder().encode(process.env.${SNIPPET_ENV.secret} ?? '');
const algorithms = ['HS256'];`
    : `// The LINE SDKs and LIFF sign with ES256 keys from LINE's JWKS, picked by the token's kid.
const key = createRemoteJWKSet(new URL(${literal(context.jwksUrl)}));
const algorithms = ['ES256'];`;
  const code = `// npm install jose
import { ${hs256 ? '' : 'createRemoteJWKSet, '}jwtVerify } from 'jose';

const CHANNEL_ID = ${literal(context.channelId)};
const ISSUER = ${literal(context.issuer)};
${key}

export async function verifyLineIdToken(idToken, expectedNonce) {
  const { payload } = await jwtVerify(idToken, key, {
    algorithms,
    issuer: ISSUER,
    audience: CHANNEL_ID,
    requiredClaims: ['exp', 'iat', 'sub'],
    clockTolerance: ${tolerance},
  });
  if (expectedNonce !== undefined && payload.nonce !== expectedNonce) {
    throw new Error('nonce mismatch');
  }
  return payload;
}

try {
  const claims = await verifyLineIdToken(process.env.${SNIPPET_ENV.token} ?? '');
  console.log(JSON.stringify(claims));
} catch (error) {
  console.error(\`invalid ID token: \${error.code ?? error.name}: \${error.message}\`);
  process.exit(1);
}
`;
  return { language: 'node', fence: 'js', install: 'npm install jose', code };
}

export function pythonSnippet(context: SnippetContext): BackendSnippet {
  const hs256 = context.kind === 'web-login';
  const tolerance = context.toleranceSeconds ?? 60;
  const key = hs256
    ? `    # Web login signs with the channel secret (HS256); never accept ES256 with it.
    key = os.environ["${SNIPPET_ENV.secret}"]
    algorithms = ["HS256"]`
    : `    # The LINE SDKs and LIFF sign with ES256 keys from LINE's JWKS, picked by the token's kid.
    key = JWKS.get_signing_key_from_jwt(id_token).key
    algorithms = ["ES256"]`;
  const code = `# pip install ${hs256 ? 'PyJWT' : '"PyJWT[crypto]"'}
import json
import os
import sys

import jwt

CHANNEL_ID = ${literal(context.channelId)}
ISSUER = ${literal(context.issuer)}
${hs256 ? '' : `JWKS = jwt.PyJWKClient(${literal(context.jwksUrl)})\n`}

def verify_line_id_token(id_token, expected_nonce=None):
${key}
    claims = jwt.decode(
        id_token,
        key,
        algorithms=algorithms,
        audience=CHANNEL_ID,
        issuer=ISSUER,
        leeway=${tolerance},
        options={"require": ["exp", "iat", "iss", "aud", "sub"]},
    )
    if expected_nonce is not None and claims.get("nonce") != expected_nonce:
        raise jwt.InvalidTokenError("nonce mismatch")
    return claims


if __name__ == "__main__":
    try:
        print(json.dumps(verify_line_id_token(os.environ.get("${SNIPPET_ENV.token}", ""))))
    except jwt.PyJWTError as error:
        print(f"invalid ID token: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
`;
  return {
    language: 'python',
    fence: 'python',
    install: hs256 ? 'pip install PyJWT' : 'pip install "PyJWT[crypto]"',
    code,
  };
}

export function goSnippet(context: SnippetContext): BackendSnippet {
  const hs256 = context.kind === 'web-login';
  const tolerance = context.toleranceSeconds ?? 60;
  const key = hs256
    ? `	// Web login signs with the channel secret (HS256); never accept ES256 with it.
	keyOption := jwt.WithKey(jwa.HS256, []byte(os.Getenv("${SNIPPET_ENV.secret}")))`
    : `	// The LINE SDKs and LIFF sign with ES256 keys from LINE's JWKS, picked by the token's kid.
	set, err := jwk.Fetch(ctx, jwksURL)
	if err != nil {
		return nil, err
	}
	keyOption := jwt.WithKeySet(set)`;
  const code = `// go get github.com/lestrrat-go/jwx/v2
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

${hs256 ? '	"github.com/lestrrat-go/jwx/v2/jwa"\n' : '	"github.com/lestrrat-go/jwx/v2/jwk"\n'}	"github.com/lestrrat-go/jwx/v2/jwt"
)

const (
	channelID = ${literal(context.channelId)}
	issuer    = ${literal(context.issuer)}
${hs256 ? '' : `	jwksURL   = ${literal(context.jwksUrl)}\n`})

func verifyLineIDToken(ctx context.Context, idToken string, expectedNonce string) (jwt.Token, error) {
${key}
	token, err := jwt.Parse([]byte(idToken), keyOption,
		jwt.WithValidate(true),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(channelID),
		jwt.WithRequiredClaim("iat"),
		jwt.WithRequiredClaim("exp"),
		jwt.WithAcceptableSkew(${tolerance}*time.Second),
	)
	if err != nil {
		return nil, err
	}
	if expectedNonce != "" {
		if nonce, ok := token.Get("nonce"); !ok || nonce != expectedNonce {
			return nil, fmt.Errorf("nonce mismatch")
		}
	}
	return token, nil
}

func main() {
	token, err := verifyLineIDToken(context.Background(), os.Getenv("${SNIPPET_ENV.token}"), "")
	if err != nil {
		fmt.Fprintln(os.Stderr, "invalid ID token:", err)
		os.Exit(1)
	}
	claims, _ := token.AsMap(context.Background())
	out, _ := json.Marshal(claims)
	fmt.Println(string(out))
}
`;
  return { language: 'go', fence: 'go', install: 'go get github.com/lestrrat-go/jwx/v2', code };
}

/** LINE's own check (POST /oauth2/v2.1/verify): no secret needed, only the channel ID. */
export function curlSnippet(context: SnippetContext): BackendSnippet {
  const code = `# LINE checks signature, iss, aud and exp; add -d nonce=… or -d user_id=… to check those too.
curl -sS -X POST '${context.verifyUrl.replace(/'/g, '')}' \\
  --data-urlencode "id_token=$${SNIPPET_ENV.token}" \\
  -d 'client_id=${context.channelId}'
`;
  return { language: 'curl', fence: 'sh', install: '', code };
}

export function backendSnippets(context: SnippetContext): BackendSnippet[] {
  checkChannelId(context.channelId);
  return [nodeSnippet(context), pythonSnippet(context), goSnippet(context), curlSnippet(context)];
}
