import { BackstageCredentials } from '@backstage/backend-plugin-api';

/**
 * Who made a request, as records name them (exception audit trail, evidence "produced for"):
 * the user's entity ref, or the calling service's subject.
 */
export function principalName(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return principal.userEntityRef;
  }
  if (principal.type === 'service' && principal.subject) {
    return principal.subject;
  }
  return 'unknown';
}
