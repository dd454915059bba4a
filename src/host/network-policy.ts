/**
 * The network policy: which origins a guest may reach when the embedding app grants network
 * access. Entries are exact origins (`https://api.example.com`, port included when not the
 * default) or host patterns (`*.example.com`, optionally with a scheme: `https://*.example.com`)
 * that match subdomains, not the bare domain. Only http and https are ever allowed.
 */

/** Limits of granted network access, with their defaults. */
export interface NetworkLimits {
  /** Per request, in ms. */
  timeoutMs: number;
  /** Response body, in bytes. */
  maxResponseBytes: number;
  /** The request as it crosses from the guest (URL, headers, base64 body, as JSON), in bytes. */
  maxRequestBytes: number;
  /** Requests per run. */
  maxRequests: number;
}

export const NETWORK_DEFAULTS: NetworkLimits = { timeoutMs: 10_000, maxResponseBytes: 5 * 1024 * 1024, maxRequestBytes: 1024 * 1024, maxRequests: 50 };

/** A parsed allowlist entry. */
interface Rule {
  scheme: 'http:' | 'https:' | undefined;
  /** Exact host (with port), or a suffix such as `.example.com` for a pattern. */
  host: string;
  pattern: boolean;
}

/** A checked allowlist. */
export interface NetworkPolicy {
  readonly allow: readonly string[];
  readonly limits: NetworkLimits;
  /** Whether `url` may be requested. */
  allows(url: string): boolean;
}

/** The port a scheme uses when a URL names none; `URL.host` leaves it out. */
const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

function parseRule(entry: string): Rule {
  const m = /^(?:(https?):\/\/)?(\*\.)?([a-z0-9.-]+)(?::(\d+))?$/i.exec(entry.trim());
  if (!m || (!m[2] && !m[1])) {
    throw new TypeError(`network.allow: ${JSON.stringify(entry)} must be an origin such as "https://api.example.com" or a pattern such as "*.example.com"`);
  }
  const scheme = m[1] ? (`${m[1].toLowerCase()}:` as Rule['scheme']) : undefined;
  // Written the way URL.host writes it: a scheme's default port is left out, so both sides compare alike.
  const port = m[4] === undefined || (scheme && DEFAULT_PORTS[scheme] === String(Number(m[4]))) ? '' : `:${Number(m[4])}`;
  return { scheme, host: (m[2] ? '.' : '') + m[3]!.toLowerCase() + port, pattern: Boolean(m[2]) };
}

/** Builds a policy from `allow` entries; throws TypeError naming a malformed entry. */
export function createNetworkPolicy(allow: readonly string[], limits: NetworkLimits): NetworkPolicy {
  const rules = allow.map(parseRule);
  return {
    allow,
    limits,
    allows(url: string): boolean {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        return false;
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
      if (u.username || u.password) return false;
      const host = u.host.toLowerCase();
      return rules.some((r) => (r.scheme === undefined || r.scheme === u.protocol) && (r.pattern ? host.endsWith(r.host) && host.length > r.host.length : host === r.host));
    },
  };
}
