/** The network allowlist: exact origins and subdomain patterns, nothing else. */
import { describe, expect, it } from 'vitest';
import { createNetworkPolicy, NETWORK_DEFAULTS } from '../../../src/host/network-policy.js';

describe('network policy', () => {
  const policy = createNetworkPolicy(['https://api.example.com', '*.data.org', 'http://127.0.0.1:4620'], NETWORK_DEFAULTS);

  it.each([
    ['https://api.example.com/v1?q=1', true],
    ['https://api.example.com:443/x', true],
    ['http://api.example.com/x', false],
    ['https://api.example.com.evil.com/', false],
    ['https://evil.com/?https://api.example.com', false],
    ['https://a.data.org/x', true],
    ['http://a.b.data.org/x', true],
    ['https://data.org/x', false],
    ['https://xdata.org/x', false],
    ['http://127.0.0.1:4620/echo', true],
    ['http://127.0.0.1:4619/canary', false],
    ['https://user:pw@api.example.com/', false],
    ['ftp://api.example.com/', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('%s → %s', (url, allowed) => {
    expect(policy.allows(url)).toBe(allowed);
  });

  it('matches an entry that spells out the default port, as URLs leave it out', () => {
    const explicit = createNetworkPolicy(['https://api.example.com:443', 'http://*.data.org:80', 'https://other.org:8443'], NETWORK_DEFAULTS);
    expect(explicit.allows('https://api.example.com/v1')).toBe(true);
    expect(explicit.allows('https://api.example.com:443/v1')).toBe(true);
    expect(explicit.allows('http://a.data.org/x')).toBe(true);
    expect(explicit.allows('https://other.org:8443/x')).toBe(true);
    expect(explicit.allows('https://other.org/x')).toBe(false);
  });

  it('refuses malformed entries by name', () => {
    expect(() => createNetworkPolicy(['api.example.com'], NETWORK_DEFAULTS)).toThrow(/network.allow: "api.example.com"/);
    expect(() => createNetworkPolicy(['https://*'], NETWORK_DEFAULTS)).toThrow(TypeError);
    expect(() => createNetworkPolicy(['https://a.com/path'], NETWORK_DEFAULTS)).toThrow(TypeError);
  });
});
