/**
 * The one home of "is this host on this machine". Callers need different strengths of the rule:
 * the callback listener (only names a browser uses for a loopback listener), the endpoint overrides
 * (plain http only where no DNS answer can redirect it: what the browser opens may use `*.localhost`,
 * what Node.js fetches may not) and the emulator's bind address.
 */

/** The host names a loopback callback URL may use, and the addresses the listener binds for each. */
const CALLBACK_BIND_HOSTS: Readonly<Record<string, readonly string[]>> = {
  '127.0.0.1': ['127.0.0.1'],
  '[::1]': ['::1'],
  // RFC 8252 §8.3 prefers IP literals because "localhost" can resolve to either family; the
  // browser may pick ::1, so listen on both. ::1 is best effort: some machines disable IPv6.
  localhost: ['127.0.0.1', '::1'],
};

/** The addresses to bind for a callback URL host, or undefined when the host is not a loopback name. */
export function callbackBindHosts(hostname: string): readonly string[] | undefined {
  return Object.hasOwn(CALLBACK_BIND_HOSTS, hostname) ? CALLBACK_BIND_HOSTS[hostname] : undefined;
}

/** The `Host` header values a browser sends to a loopback listener on `port`. */
export function loopbackHostHeaders(port: number): string[] {
  return Object.keys(CALLBACK_BIND_HOSTS).flatMap((name) => (port === 80 ? [name, `${name}:80`] : [`${name}:${port}`]));
}

/**
 * An IP literal or name that always means this machine (URL hostname form: IPv6 in brackets),
 * `*.localhost` included (RFC 6761 §6.3): what a browser or a Host header may use. Node.js is not
 * such a resolver, see {@link isLoopbackHostWithoutDns}.
 */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127(\.\d{1,3}){3}$/.test(hostname) ||
    hostname.endsWith('.localhost')
  );
}

/** A bind address (socket form: IPv6 without brackets) on the loopback interface. */
export function isLoopbackBindAddress(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127(\.\d{1,3}){3}$/.test(address);
}

/**
 * A loopback host Node.js reaches without asking a DNS server: an IP literal, or `localhost`, which
 * every OS resolver answers from its hosts file or by itself. A `*.localhost` name is not: Node.js
 * hands it to getaddrinfo, which on most systems forwards it to DNS (RFC 6761 §6.3 asks resolvers
 * not to, without making them comply), so whoever answers would receive what is sent in plain http.
 */
export function isLoopbackHostWithoutDns(hostname: string): boolean {
  return isLoopbackHost(hostname) && !hostname.endsWith('.localhost');
}
