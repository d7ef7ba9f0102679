import { toError } from '@backstage/errors';
import {
  KubernetesValidatorFunctions,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/** What a tag value is read as: the kind of a bare name, which kinds are allowed, and the namespace. */
export interface TagRefRules {
  /** The kind of a bare name (`payments-team` → `group:<namespace>/payments-team`). */
  defaultKind: string;
  /** Lower-case kinds a full ref may name; `system:…` makes no sense as an owner. */
  allowedKinds: readonly string[];
  /** The namespace of a ref that names none. */
  defaultNamespace: string;
}

export type ParsedTagRef =
  | { ok: true; ref: string }
  | { ok: false; reason: string };

/** Owners are groups (or, less usefully, users); a bare name is a group. */
export const OWNER_REF_RULES = (namespace: string): TagRefRules => ({
  defaultKind: 'group',
  allowedKinds: ['group', 'user'],
  defaultNamespace: namespace,
});

/** A system tag names a system; a bare name is one. */
export const SYSTEM_REF_RULES = (namespace: string): TagRefRules => ({
  defaultKind: 'system',
  allowedKinds: ['system'],
  defaultNamespace: namespace,
});

/**
 * Reads an account tag's value as an entity ref: a full ref
 * (`group:default/payments-team`), a ref without namespace (`group:payments-team`)
 * or a bare name (`payments-team`). Anything that is not a valid ref of an
 * allowed kind is refused with the reason, so that the caller can say which
 * account and tag were wrong instead of writing a ref the catalog rejects.
 */
export function parseTagRef(value: string, rules: TagRefRules): ParsedTagRef {
  const text = value.trim();
  if (text === '') return { ok: false, reason: 'the value is empty' };
  let ref;
  try {
    ref = parseEntityRef(text, {
      defaultKind: rules.defaultKind,
      defaultNamespace: rules.defaultNamespace,
    });
  } catch (error) {
    return { ok: false, reason: toError(error).message };
  }
  const kind = ref.kind.toLocaleLowerCase('en-US');
  if (!rules.allowedKinds.includes(kind)) {
    return {
      ok: false,
      reason: `kind "${
        ref.kind
      }" is not allowed here (expected ${rules.allowedKinds.join(' or ')})`,
    };
  }
  // Refs are case-insensitive: the catalog compares them lower-cased.
  if (
    !KubernetesValidatorFunctions.isValidNamespace(
      ref.namespace.toLocaleLowerCase('en-US'),
    )
  ) {
    return { ok: false, reason: `"${ref.namespace}" is not a valid namespace` };
  }
  if (!KubernetesValidatorFunctions.isValidObjectName(ref.name)) {
    return {
      ok: false,
      reason: `"${ref.name}" is not a valid entity name (letters, digits, -_. ; at most 63)`,
    };
  }
  return { ok: true, ref: stringifyEntityRef(ref) };
}
