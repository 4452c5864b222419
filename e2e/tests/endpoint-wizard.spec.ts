// The voice-agent startup's path in the browser: the create wizard previews where the endpoint
// would go, its latency per metro and its price, then creates it; the endpoint page shows the
// provisioning step by step until it is active; a key made on the dashboard calls it through the
// gateway with the OpenAI SDK, and stops working once revoked.
import { expect, test } from '@playwright/test';
import OpenAI from 'openai';
import { DEMO_PASSWORD, expectDashboard, signIn } from './helpers';

test('a developer previews an EU endpoint in the wizard, creates it, makes a key and streams from it with the OpenAI SDK; the revoked key is refused', async ({
  page,
}) => {
  await signIn(page, 'dev@parla.example', DEMO_PASSWORD);
  await expectDashboard(page, 'Parla');
  await page.getByRole('link', { name: 'New endpoint' }).click();
  await expect(page).toHaveURL(/\/dashboard\/endpoints\/new$/);

  const name = `parla-voice-${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Time to first token, p95 (ms)').fill('300');
  await expect(page.getByLabel('EU', { exact: true })).toBeChecked();
  await page.getByLabel('Metro 1', { exact: true }).selectOption('frankfurt');
  await page.getByLabel('Share of metro 1 (%)').fill('60');
  await page.getByRole('button', { name: 'Add a metro' }).click();
  await page.getByLabel('Metro 2', { exact: true }).selectOption('paris');
  await page.getByLabel('Share of metro 2 (%)').fill('40');
  await page.getByLabel('Expected requests per second').fill('5');
  await page.getByLabel('Monthly budget (USD, optional)').fill('2000');
  await page.getByRole('button', { name: 'Preview' }).click();

  const preview = page.getByTestId('preview');
  await expect(preview.getByRole('heading', { level: 2 })).toHaveText(
    /^Placeable: \$1,861\.50\/month, \$[\d.]+ per million tokens$/,
  );
  const perMetro = preview.getByRole('table', { name: 'Latency per metro' });
  for (const metro of ['Frankfurt', 'Paris']) {
    const row = perMetro
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: metro, exact: true }) });
    await expect(row).toContainText(/\d+ ms\s*\d+ ms\s*yes/);
  }
  await expect(preview.getByTestId('preview-replicas')).toContainText('Frankfurt-POP-3');
  await expect(preview.getByTestId('preview-replicas')).toContainText('Paris-POP-1');
  const around = preview.getByRole('table', { name: 'Other latency targets' });
  await expect(around).toContainText('150 ms');
  await expect(around).toContainText('450 ms');

  // Changing the ask hides the preview: what is created is always what was previewed.
  await page.getByLabel('Expected requests per second').fill('6');
  await expect(page.getByTestId('preview')).toHaveCount(0);
  await page.getByLabel('Expected requests per second').fill('5');
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByRole('button', { name: 'Create endpoint' }).click();

  await expect(page).toHaveURL(/\/dashboard\/endpoints\/c[a-z0-9]+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.getByTestId('endpoint-status')).toHaveText('active', { timeout: 45_000 });
  await expect(page.getByTestId('provisioning-steps')).toContainText('Placement chose');
  await expect(page.getByTestId('provisioning-steps')).toContainText(/Active: 2 replicas serving/);
  // The snippet to paste: the OpenAI SDK pointed at this grid's gateway, with the endpoint's name.
  const snippet = page.getByTestId('sdk-snippet');
  await expect(snippet).toContainText(/baseURL: "http:\/\/127\.0\.0\.1:\d+\/v1"/);
  await expect(snippet).toContainText(`model: "${name}"`);
  const baseURL = /baseURL: "([^"]+)"/.exec((await snippet.textContent()) ?? '')![1]!;

  // A key with the inference scope, made on the dashboard; its secret is shown once.
  await page.getByRole('link', { name: '← Dashboard' }).click();
  const keyForm = page.getByRole('form', { name: 'Create an API key' });
  await keyForm.getByLabel('Key name').fill('app');
  await keyForm.getByRole('button', { name: 'Create key' }).click();
  const secret = ((await page.getByTestId('new-key-secret').textContent()) ?? '').trim();
  expect(secret).toMatch(/^agk_/);

  // The snippet's call, with the OpenAI SDK as it is: streamed from an EU site.
  const openai = new OpenAI({ baseURL, apiKey: secret, maxRetries: 0 });
  const { data: stream, response } = await openai.chat.completions
    .create({
      model: name,
      messages: [{ role: 'user', content: 'Greet the caller in one sentence.' }],
      max_tokens: 12,
      stream: true,
    })
    .withResponse();
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  expect(text.length).toBeGreaterThan(0);
  expect(['Frankfurt-POP-3', 'Paris-POP-1']).toContain(response.headers.get('x-aigrid-site'));

  // Revoked on the dashboard: the gateway refuses the key within seconds.
  await page.getByRole('button', { name: 'Revoke app' }).click();
  await expect(page.getByRole('button', { name: 'Revoke app' })).toHaveCount(0);
  await expect(async () => {
    const refused = await openai.models.list().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
  }).toPass({ timeout: 10_000 });
});

test('the wizard refuses bad input with the reason and creates nothing', async ({ page }) => {
  await signIn(page, 'dev@parla.example', DEMO_PASSWORD);
  await expectDashboard(page, 'Parla');
  await page.goto('/dashboard/endpoints/new');
  await page.getByLabel('Name', { exact: true }).fill('too-fast');
  await page.getByLabel('Time to first token, p95 (ms)').fill('5');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('form-error')).toContainText('must be at least 10 ms');
  await expect(page.getByTestId('preview')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Create endpoint' })).toHaveCount(0);

  // An ask no site can meet: the preview says why and the endpoint cannot be created.
  await page.getByLabel('Time to first token, p95 (ms)').fill('300');
  await page.getByLabel('Monthly budget (USD, optional)').fill('100');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('preview').getByRole('heading', { level: 2 })).toHaveText(
    'Not placeable as asked',
  );
  await expect(page.getByTestId('preview-reasons')).toContainText('budget');
  await expect(page.getByRole('button', { name: 'Create endpoint' })).toBeDisabled();
  await page.goto('/dashboard');
  await expect(page.getByRole('link', { name: 'too-fast' })).toHaveCount(0);
});

test('an operator organisation has no endpoint wizard', async ({ page }) => {
  await signIn(page, 'ops@nordtel.example', DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/dashboard$/);
  const res = await page.goto('/dashboard/endpoints/new');
  expect(res?.status()).toBe(404);
});
