/**
 * The part of REST Client's .http syntax our generated file uses, read the way REST Client reads
 * it (https://github.com/Huachao/vscode-restclient#usage): `@name = value` file variables,
 * `{{$dotenv NAME}}` from the .env beside the file, `{{name}}` references, `###` between requests,
 * a request line, headers, a blank line, then the body. Anything else in a request is an error, so
 * a file this reads is a file REST Client reads the same way.
 */
export interface ParsedRequest {
  name: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export function parseHttpFile(text: string, dotenv: ReadonlyMap<string, string>): ParsedRequest[] {
  const variables = new Map<string, string>();
  const substitute = (value: string): string =>
    value.replace(
      /\{\{\s*(\$dotenv\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g,
      (_match, isDotenv: string | undefined, name: string) => {
        const resolved = isDotenv === undefined ? variables.get(name) : dotenv.get(name);
        if (resolved === undefined) {
          throw new Error(`{{${isDotenv ?? ''}${name}}} is not defined`);
        }
        return resolved;
      },
    );
  const blocks = text.split(/^###.*$/m);
  const head = blocks.shift() ?? '';
  for (const line of head.split('\n')) {
    const variable = /^@([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (variable?.[1] !== undefined && variable[2] !== undefined) {
      // REST Client resolves file variables lazily; a missing .env entry only fails the request that uses it.
      const [, name, value] = variable;
      try {
        variables.set(name, substitute(value));
      } catch {
        // left undefined
      }
    } else if (line.trim() !== '' && !line.startsWith('#')) {
      throw new Error(`unexpected line before the first request: ${line}`);
    }
  }
  const names = [...text.matchAll(/^###\s*(.*)$/gm)].map((match) => match[1] ?? '');
  return blocks.map((block, index) => {
    const lines = block.replace(/^\n/, '').split('\n');
    const requestLine = /^(GET|POST|PUT|DELETE|PATCH) (\S+)$/.exec(lines.shift() ?? '');
    if (requestLine?.[1] === undefined || requestLine[2] === undefined) {
      throw new Error(`request ${index + 1} has no request line`);
    }
    const headers: Record<string, string> = {};
    let line = lines.shift();
    while (line !== undefined && line !== '') {
      const header = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (header?.[1] === undefined || header[2] === undefined) {
        throw new Error(`request ${index + 1}: not a header: ${line}`);
      }
      headers[header[1]] = substitute(header[2]);
      line = lines.shift();
    }
    const body = lines.join('\n').trim();
    return {
      name: names[index] ?? '',
      method: requestLine[1],
      url: substitute(requestLine[2]),
      headers,
      body: body === '' ? undefined : substitute(body),
    };
  });
}
