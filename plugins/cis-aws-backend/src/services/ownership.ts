import {
  BackstageCredentials,
  BackstageUserPrincipal,
  UserInfoService,
} from '@backstage/backend-plugin-api';

function lower(ref: string): string {
  return ref.toLocaleLowerCase('en-US');
}

/**
 * The refs a signed-in user owns through: their user entity and their ownership refs (their
 * groups), as Backstage's identity resolves them from the catalog. Undefined for a service.
 */
export async function callerOwnershipRefs(
  userInfo: Pick<UserInfoService, 'getUserInfo'>,
  credentials: BackstageCredentials,
): Promise<string[] | undefined> {
  const principal = credentials.principal as { type?: string };
  if (principal.type !== 'user') return undefined;
  const info = await userInfo.getUserInfo(
    credentials as BackstageCredentials<BackstageUserPrincipal>,
  );
  return [...new Set([info.userEntityRef, ...info.ownershipEntityRefs])];
}

/**
 * Whether the caller owns an entity whose owner is `ownerRef`: the owner is the caller's user
 * entity or one of their ownership refs (their groups), as Backstage's identity resolves them
 * from the catalog. A service principal owns nothing.
 */
export async function callerOwns(
  userInfo: UserInfoService,
  credentials: BackstageCredentials,
  ownerRef: string | undefined,
): Promise<boolean> {
  if (!ownerRef) return false;
  const principal = credentials.principal as { type?: string };
  if (principal.type !== 'user') return false;
  const info = await userInfo.getUserInfo(
    credentials as BackstageCredentials<BackstageUserPrincipal>,
  );
  return [info.userEntityRef, ...info.ownershipEntityRefs]
    .map(lower)
    .includes(lower(ownerRef));
}
