import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, expectDashboard, signIn, signUp, uniqueEmail } from './helpers';

const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;

test('a new developer signs up, lands on the dashboard, signs out and signs in again', async ({
  page,
}) => {
  const user = {
    name: 'Ada Builder',
    email: uniqueEmail('ada'),
    password: 'voice-agents-2026',
    organization: 'Voicely',
  };
  await signUp(page, user);
  await expectDashboard(page, 'Voicely');
  await expect(page.getByTestId('user-email')).toHaveText(user.email);
  await expect(page.getByText('No endpoints yet.')).toBeVisible();
  await expect(page.getByText('No API keys yet.')).toBeVisible();
  await page.screenshot({ path: `${ARTIFACTS}dashboard-developer.png`, fullPage: true });

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/signin/);

  await signIn(page, user.email.toUpperCase(), user.password);
  await expectDashboard(page, 'Voicely');
});

test('the demo operator sees its points of presence and nodes', async ({ page }) => {
  await signIn(page, 'ops@nordtel.example', DEMO_PASSWORD);
  await expectDashboard(page, 'Nordtel');
  const sites = page.getByRole('region', { name: 'Sites' });
  await expect(sites.getByRole('row')).toHaveCount(4);
  await expect(sites.getByText('Frankfurt-POP-3')).toBeVisible();
  await expect(sites.getByText('Ashburn-POP-1')).toBeVisible();
  await expect(page.getByRole('region', { name: /Nodes/ }).getByText('fra3-gpu-1')).toBeVisible();
  // Approved: no notice that its offers wait for approval.
  await expect(page.getByTestId('approval')).toHaveCount(0);
  await page.screenshot({ path: `${ARTIFACTS}dashboard-operator.png`, fullPage: true });
});

test('wrong password and unknown user get the same message', async ({ page }) => {
  await signIn(page, 'dev@parla.example', 'not-the-password-1');
  const wrongPassword = await page.getByTestId('form-error').textContent();
  expect(wrongPassword).toBe('Wrong e-mail or password.');
  await signIn(page, uniqueEmail('nobody'), 'not-the-password-1');
  await expect(page.getByTestId('form-error')).toHaveText(wrongPassword!);
  await expect(page).toHaveURL(/\/signin/);
});

test('sign-up refuses a taken e-mail, a weak password and a malformed e-mail, writing nothing', async ({
  page,
}) => {
  await signUp(page, {
    name: 'Copycat',
    email: 'dev@parla.example',
    password: 'another-pass-2026',
    organization: 'Copy Org',
  });
  await expect(page.getByTestId('form-error')).toHaveText(/already exists/);

  const weak = uniqueEmail('weak');
  await signUp(page, { name: 'Weak', email: weak, password: 'short1', organization: 'Weak Org' });
  await expect(page.getByTestId('form-error')).toHaveText(/at least 10 characters/);

  await signUp(page, {
    name: 'Typo',
    email: 'not-an-email',
    password: 'good-pass-2026',
    organization: 'Typo Org',
  });
  await expect(page.getByTestId('form-error')).toHaveText(/valid e-mail/);

  // Nothing was written: the refused address cannot sign in, even with a valid password.
  await signIn(page, weak, 'short1');
  await expect(page.getByTestId('form-error')).toHaveText('Wrong e-mail or password.');
});

test('repeated wrong passwords lock sign-in for that e-mail', async ({ page }) => {
  const user = {
    name: 'Locked Out',
    email: uniqueEmail('locked'),
    password: 'right-password-2026',
    organization: 'Lockers',
  };
  await signUp(page, user);
  await expectDashboard(page, 'Lockers');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);

  for (let i = 0; i < 5; i += 1) {
    await signIn(page, user.email, `wrong-password-${i}`);
    await expect(page.getByTestId('form-error')).toHaveText('Wrong e-mail or password.');
  }
  await signIn(page, user.email, user.password);
  await expect(page.getByTestId('form-error')).toHaveText(/Too many sign-in attempts/);
  await expect(page).toHaveURL(/\/signin/);
});
