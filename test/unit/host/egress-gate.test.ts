/**
 * The egress gate: what guest code causes outside its realm is decided, counted and audited on the
 * host. These are the gate's rules on their own; the browser suites attack them through a real
 * frame (frame-boundary.spec.ts, python-packages.spec.ts).
 */
import { describe, expect, it } from 'vitest';
import { ByteBudget, EgressGate, requirementProject, type EgressGateOptions } from '../../../src/host/egress-gate.js';
import { createNetworkPolicy, NETWORK_DEFAULTS } from '../../../src/host/network-policy.js';
import { DEFAULTS, resolveSandboxOptions } from '../../../src/host/options.js';
import { scanImports } from '../../../src/host/packages/python-imports.js';
import type { SandboxEventInput } from '../../../src/shared/events.js';

function gate(options: Partial<EgressGateOptions> = {}) {
  const events: SandboxEventInput[] = [];
  const g = new EgressGate({
    tools: new Map([['add', (args: unknown) => (args as { a: number; b: number }).a + (args as { a: number; b: number }).b]]),
    network: undefined,
    maxValueBytes: 1024,
    allowPackages: undefined,
    packageLimits: { ...DEFAULTS.packageLimits },
    install: async (requirements) => requirements,
    emit: (event) => events.push(event),
    ...options,
  });
  return { g, events };
}

describe('EgressGate: host calls', () => {
  it('answers only the run in progress, and audits tool calls', async () => {
    const { g, events } = gate();
    const run = g.beginRun(3);
    expect(await g.hostCall({ callId: 1, runSeq: 3, kind: 'tool', name: 'add', args: '{"a":1,"b":2}' })).toBe('3');
    await expect(g.hostCall({ callId: 2, runSeq: 4, kind: 'tool', name: 'add', args: '{}' })).rejects.toThrow(/only be asked while the run is going on/);
    g.endRun(run);
    expect(run.ended.signal.aborted).toBe(true);
    await expect(g.hostCall({ callId: 3, runSeq: 3, kind: 'tool', name: 'add', args: '{"a":1,"b":2}' })).rejects.toThrow(/while the run is going on/);
    expect(events).toEqual([expect.objectContaining({ type: 'tool-call', runSeq: 3, name: 'add', ok: true })]);
  });

  it("refuses every request without network access, and an install call the app did not allow, auditing both", async () => {
    const { g, events } = gate({ install: undefined });
    g.beginRun(1);
    await expect(g.hostCall({ callId: 1, runSeq: 1, kind: 'fetch', name: '', args: JSON.stringify({ url: 'https://x.test/', method: 'GET', headers: [] }) })).rejects.toThrow(/no network access/);
    await expect(g.hostCall({ callId: 2, runSeq: 1, kind: 'install', name: '', args: JSON.stringify({ requirements: ['six'] }) })).rejects.toThrow(/does not let code install packages/);
    expect(events.map((e) => [e.type, (e as { allowed?: boolean }).allowed])).toEqual([
      ['network', false],
      ['package-request', false],
    ]);
  });
});

describe('EgressGate: installs guest code causes', () => {
  it("with network 'none' and no allowPackages, refuses every micropip install (it is a way out), and audits what was asked", () => {
    const { g, events } = gate();
    const run = g.beginRun(1);
    expect(() => g.admitGuestInstall('micropip', ['leak-s3cret'], run)).toThrow(/leak-s3cret: this sandbox has no network access, so code may install only packages the app names in allowPackages/);
    expect(events).toEqual([{ type: 'package-request', reason: 'micropip', requested: ['leak-s3cret'], allowed: false, error: expect.any(String), runSeq: 1 }]);
    // autoInstall's names come from the code's text on the host and from the lock file: allowed by default.
    expect(g.admitGuestInstall('imports', ['numpy'], run)).toEqual(['numpy']);
  });

  it('with network access, micropip may install by requirement, never by URL', () => {
    const { g } = gate({ network: createNetworkPolicy(['https://api.test'], NETWORK_DEFAULTS) });
    const run = g.beginRun(1);
    expect(g.admitGuestInstall('micropip', ['tabulate>=0.9', 'attrs[extra]'], run)).toEqual(['tabulate>=0.9', 'attrs[extra]']);
    expect(() => g.admitGuestInstall('micropip', ['https://evil.test/x-1-py3-none-any.whl'], run)).toThrow(/code can install only by requirement/);
    expect(() => g.admitGuestInstall('micropip', ['!!!'], run)).toThrow(/not a requirement/);
  });

  it('with allowPackages, exactly what it accepts: micropip whole or not at all, autoInstall what is allowed', () => {
    const { g, events } = gate({ allowPackages: (name) => name === 'foo-bar' });
    const run = g.beginRun(1);
    expect(g.admitGuestInstall('micropip', ['Foo_Bar==1.0'], run)).toEqual(['Foo_Bar==1.0']);
    expect(() => g.admitGuestInstall('micropip', ['foo-bar', 'other'], run)).toThrow(/other: not among the packages this sandbox lets code install/);
    expect(g.admitGuestInstall('imports', ['foo-bar', 'numpy'], run)).toEqual(['foo-bar']);
    expect(events.map((e) => (e as { requested: string[] }).requested)).toEqual([['other'], ['numpy']]);
  });

  it('caps install requests and new projects per run; a refused install spends no projects', () => {
    const { g } = gate({ allowPackages: () => true, packageLimits: { ...DEFAULTS.packageLimits, maxInstallsPerRun: 2, maxProjectsPerRun: 3 } });
    const run = g.beginRun(1);
    g.admitGuestInstall('micropip', ['a'], run);
    expect(g.projectsRefusal(5, run)).toMatch(/more than 3 new projects/);
    expect(g.projectsRefusal(3, run)).toBeUndefined();
    expect(g.projectsRefusal(1, run)).toMatch(/more than 3 new projects/);
    g.admitGuestInstall('micropip', ['b'], run);
    expect(() => g.admitGuestInstall('micropip', ['c'], run)).toThrow(/more than 2 install requests in one run/);
    // The next run starts from zero; a run that ended admits nothing.
    const next = g.beginRun(2);
    expect(g.admitGuestInstall('micropip', ['c'], next)).toEqual(['c']);
    expect(() => g.admitGuestInstall('micropip', ['d'], run)).toThrow(/the run has ended/);
  });

  it('names requested projects as PEP 503 names, and byte budgets refuse past their limit', () => {
    expect(['Foo.Bar>=1', 'zope_interface ; python_version > "3"', 'x[y]', 'a (>=1)', 'nothing!'].map(requirementProject)).toEqual(['foo-bar', 'zope-interface', 'x', 'a', undefined]);
    const budget = new ByteBudget(10, (max) => new RangeError(`past ${max}`));
    budget.take(6);
    expect(() => budget.take(5)).toThrow('past 10');
  });
});

describe('scanImports', () => {
  it('reads the modules import statements name, as the host sees the text', () => {
    const code = [
      'import os, sys as system',
      'import numpy.linalg',
      'from pandas.core import frame',
      'from . import sibling',
      'try: import matplotlib.pyplot as plt',
      'x = 1; import json',
      '    from scipy import (stats,',
      '        optimize)',
      'text = "importance"  # important',
    ].join('\n');
    expect(scanImports(code)).toEqual(['os', 'sys', 'numpy', 'pandas', 'matplotlib', 'json', 'scipy']);
    expect(scanImports('print(1)')).toEqual([]);
  });
});

describe('allowPackages and packageLimits options', () => {
  const resolve = (extra: Record<string, unknown>) => resolveSandboxOptions({ language: 'python', ...extra });
  it('takes any, a list of names or a predicate, as a predicate on normalized names', () => {
    expect(resolve({ allowPackages: 'any' }).allowPackages!('whatever')).toBe(true);
    const listed = resolve({ allowPackages: ['Tabulate', 'zope.interface'] }).allowPackages!;
    expect([listed('tabulate'), listed('zope-interface'), listed('numpy')]).toEqual([true, true, false]);
    const asked: string[] = [];
    const predicate = resolve({ allowPackages: (name: string) => (asked.push(name), name.startsWith('sbx')) }).allowPackages!;
    expect([predicate('sbx-a'), predicate('other')]).toEqual([true, false]);
    // A predicate that throws allows nothing.
    expect(resolve({ allowPackages: () => { throw new Error('x'); } }).allowPackages!('a')).toBe(false);
  });
  it.each([
    [{ allowPackages: 'all' }, /allowPackages must be 'any', an array of project names/],
    [{ allowPackages: ['ok', 'not ok'] }, /allowPackages must be/],
    [{ packageLimits: { maxInstallsPerRun: -1 } }, /packageLimits\.maxInstallsPerRun must be an integer from 0/],
    [{ packageLimits: { maxWheels: 3 } }, /unknown packageLimits field "maxWheels"/],
  ])('refuses %j', (extra, message) => {
    expect(() => resolve(extra)).toThrow(message);
  });
  it('allowPackages is for Python', () => {
    expect(() => resolveSandboxOptions({ language: 'javascript', allowPackages: 'any' })).toThrow(/allowPackages is for Python sandboxes/);
  });
});
