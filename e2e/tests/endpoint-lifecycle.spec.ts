// An endpoint's lifecycle from its page: pause (its replicas released), resume (placed and
// loaded again), delete (decommissioned).
import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, expectDashboard, signIn } from './helpers';

test('a developer pauses, resumes and deletes an endpoint from its page', async ({ page }) => {
  await signIn(page, 'dev@parla.example', DEMO_PASSWORD);
  await expectDashboard(page, 'Parla');
  await page.getByRole('link', { name: 'New endpoint' }).click();
  await expect(page).toHaveURL(/\/dashboard\/endpoints\/new$/);
  const name = `parla-batch-${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Redundant: serve every metro from two sites').uncheck();
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByRole('button', { name: 'Create endpoint' }).click();
  const status = page.getByTestId('endpoint-status');
  await expect(status).toHaveText('active', { timeout: 45_000 });
  const actions = page.getByRole('group', { name: 'Endpoint actions' });
  await expect(actions.getByRole('button')).toHaveText(['Pause', 'Delete']);

  await actions.getByRole('button', { name: 'Pause' }).click();
  await expect(status).toHaveText('paused');
  // Released: the page stops listing its replicas once the pause has drained them.
  await expect(page.getByRole('region', { name: 'Replicas' })).toContainText('No replica runs.', {
    timeout: 30_000,
  });

  await actions.getByRole('button', { name: 'Resume' }).click();
  await expect(status).toHaveText('active', { timeout: 45_000 });

  page.once('dialog', (dialog) => void dialog.accept());
  await actions.getByRole('button', { name: 'Delete' }).click();
  await expect(status).toHaveText('decommissioned', { timeout: 45_000 });
  await expect(actions.getByRole('button')).toHaveCount(0);
});
