import { expect, Page } from '@playwright/test';

/** Signs in with the demo's guest provider and waits for the catalog. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  await expect(
    page.getByRole('heading', { name: /ACME Catalog/ }),
  ).toBeVisible();
}
