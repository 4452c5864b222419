import { expect, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'grid-demo-2026';

export function uniqueEmail(tag: string) {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.test`;
}

export async function signUp(
  page: Page,
  user: { name: string; email: string; password: string; organization: string; operator?: boolean },
) {
  await page.goto('/signup');
  await page.getByLabel('Your name').fill(user.name);
  await page.getByLabel('Work e-mail').fill(user.email);
  await page.getByLabel(/^Password/).fill(user.password);
  await page.getByLabel('Organisation', { exact: true }).fill(user.organization);
  if (user.operator) await page.getByLabel('I operate a network').check();
  await page.getByRole('button', { name: 'Create account' }).click();
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/signin');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function expectDashboard(page: Page, organization: string) {
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId('org-name')).toHaveText(organization);
}
