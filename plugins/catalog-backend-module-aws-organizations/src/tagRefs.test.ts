import { OWNER_REF_RULES, parseTagRef, SYSTEM_REF_RULES } from './tagRefs';

describe('parseTagRef', () => {
  const owner = OWNER_REF_RULES('default');
  const system = SYSTEM_REF_RULES('default');

  it('takes a full ref as it is', () => {
    expect(parseTagRef('group:default/payments-team', owner)).toEqual({
      ok: true,
      ref: 'group:default/payments-team',
    });
    expect(parseTagRef('system:default/payments', system)).toEqual({
      ok: true,
      ref: 'system:default/payments',
    });
  });

  it('reads a bare name as a group (owner) or a system (system) in the configured namespace', () => {
    expect(parseTagRef('payments-team', OWNER_REF_RULES('acme'))).toEqual({
      ok: true,
      ref: 'group:acme/payments-team',
    });
    expect(parseTagRef('payments', SYSTEM_REF_RULES('acme'))).toEqual({
      ok: true,
      ref: 'system:acme/payments',
    });
  });

  it('accepts a ref without namespace, a user as owner, surrounding blanks and any case', () => {
    expect(parseTagRef('group:payments-team', owner)).toEqual({
      ok: true,
      ref: 'group:default/payments-team',
    });
    expect(parseTagRef('user:default/ada', owner)).toEqual({
      ok: true,
      ref: 'user:default/ada',
    });
    expect(parseTagRef('  Group:Default/Payments-Team ', owner)).toEqual({
      ok: true,
      ref: 'group:default/payments-team',
    });
  });

  it('refuses an empty value', () => {
    expect(parseTagRef('  ', owner)).toEqual({
      ok: false,
      reason: 'the value is empty',
    });
  });

  it('refuses a kind that cannot own, or a system tag naming something else', () => {
    const asOwner = parseTagRef('system:default/payments', owner);
    expect(asOwner.ok).toBe(false);
    expect(!asOwner.ok && asOwner.reason).toMatch(
      /kind "system" is not allowed here \(expected group or user\)/,
    );
    expect(parseTagRef('group:default/payments-team', system).ok).toBe(false);
  });

  it('refuses names and namespaces the catalog would reject', () => {
    const spaced = parseTagRef('Payments Team', owner);
    expect(spaced.ok).toBe(false);
    expect(!spaced.ok && spaced.reason).toMatch(/not a valid entity name/);
    expect(parseTagRef('group:no_such ns/team', owner).ok).toBe(false);
    expect(parseTagRef(`team-${'x'.repeat(60)}`, owner).ok).toBe(false);
    expect(parseTagRef('group:default/a/b', owner).ok).toBe(false);
  });
});
