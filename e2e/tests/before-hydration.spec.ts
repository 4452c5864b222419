// Until the page's JavaScript runs, its forms stay shut: a click cannot submit them natively
// (which would put a password in the URL, or drop what was typed when React takes over).
import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, expectDashboard, signIn } from './helpers';

test('without the page script, sign-in and sign-up cannot be submitted, and would POST', async ({
  browser,
  baseURL,
}) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/signin');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeDisabled();
  await expect(page.locator('form').first()).toHaveAttribute('method', 'post');
  await page.goto('/signup');
  await expect(page.getByRole('button', { name: 'Create account' })).toBeDisabled();
  await expect(page.locator('form').first()).toHaveAttribute('method', 'post');
  await context.close();
});

test('without the page script, the wizard and the dashboard forms are shut', async ({
  browser,
  baseURL,
  page,
}) => {
  // Signed in with the script, then the same session without it.
  await signIn(page, 'dev@parla.example', DEMO_PASSWORD);
  await expectDashboard(page, 'Parla');
  const context = await browser.newContext({
    baseURL,
    javaScriptEnabled: false,
    storageState: await page.context().storageState(),
  });
  const bare = await context.newPage();
  await bare.goto('/dashboard/endpoints/new');
  await expect(bare.getByLabel('Name', { exact: true })).toBeDisabled();
  await expect(bare.getByRole('button', { name: 'Preview' })).toBeDisabled();
  await bare.goto('/dashboard');
  const keys = bare.getByRole('form', { name: 'Create an API key' });
  await expect(keys.getByLabel('Key name')).toBeDisabled();
  await expect(keys.getByRole('button', { name: 'Create key' })).toBeDisabled();
  await context.close();
});
