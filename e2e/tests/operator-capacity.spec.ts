// A telco lists a point of presence in the browser: a new operator adds the site, enrols a node
// (the console shows the agent's start command with a one-time token), runs that command as the
// POP would, publishes an offer, is approved by a platform admin, and sees the node report
// healthy with its live load.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, expectDashboard, signIn, signUp, uniqueEmail } from './helpers';

const AGENT_BIN = fileURLToPath(new URL('../../apps/agent/bin/aigrid-agent.mjs', import.meta.url));

let agent: ChildProcess | undefined;
let stateDir: string | undefined;
test.afterEach(() => {
  agent?.kill('SIGKILL');
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

test('a new operator lists a POP: site, node enrolled with its agent command, offer, node healthy', async ({
  page,
  browser,
  baseURL,
}) => {
  const organization = `Nordtel ${Date.now()}`;
  await signUp(page, {
    name: 'Nora Operator',
    email: uniqueEmail('nordtel'),
    password: 'pop-pass-2468',
    organization,
    operator: true,
  });
  await expectDashboard(page, organization);
  await page.getByRole('link', { name: 'Add capacity' }).click();

  const site = page.getByRole('form', { name: 'Add a site' });
  await site.getByLabel('Site name').fill('Frankfurt-POP-3');
  await site.getByLabel('Metro').selectOption('frankfurt');
  await expect(site.getByLabel('Country (ISO code)')).toHaveValue('DE');
  await site.getByLabel('EU', { exact: true }).check();
  await site.getByLabel('GDPR', { exact: true }).check();
  await site.getByLabel('Uplink (Gbit/s)').fill('100');
  await site.getByLabel('Egress price (USD per GB)').fill('0.01');
  await site.getByRole('button', { name: 'Add site' }).click();
  await expect(site.getByRole('status')).toHaveText('Site added.');

  const node = page.getByRole('form', { name: 'Enrol a node' });
  await node.getByLabel('Node name').fill('fra3-gpu-1');
  await node.getByLabel('GPU type').selectOption('L40S');
  await node.getByLabel('GPUs').fill('4');
  await node.getByRole('button', { name: 'Enrol node' }).click();
  const command = (await page.getByTestId('agent-command').textContent()) ?? '';
  const match = /^npx aigrid-agent --control-plane (\S+) --token (\S+)$/.exec(command.trim());
  expect(match?.[1]).toBe(baseURL);

  // Run it as the POP would: our agent, against this grid's Temporal.
  stateDir = mkdtempSync(path.join(tmpdir(), 'aigrid-e2e-agent-'));
  agent = spawn(
    process.execPath,
    [
      AGENT_BIN,
      '--control-plane',
      match![1]!,
      '--token',
      match![2]!,
      '--state',
      path.join(stateDir, 'agent.json'),
      '--temporal',
      process.env.E2E_TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      '--time-scale',
      '0.05',
    ],
    { stdio: 'ignore', env: { ...process.env, AIGRID_GPU_TYPE: 'L40S', AIGRID_GPU_COUNT: '4' } },
  );

  const offer = page.getByRole('form', { name: 'Publish an offer' });
  await offer.getByLabel('GPU type').selectOption('L40S');
  await offer.getByLabel('Price per GPU-hour (USD)').fill('1.90');
  await offer.getByLabel('Price per million tokens (USD)').fill('0.15');
  await offer.getByLabel("Share of the site's GPUs offered (%)").fill('70');
  await offer.getByRole('button', { name: 'Publish offer' }).click();
  await expect(offer.getByRole('status')).toHaveText('Offer published.');
  await expect(offer.getByRole('alert')).toHaveCount(0);

  // Bad offers are refused with the reason, and nothing is written.
  await offer.getByRole('button', { name: 'Publish offer' }).click();
  await expect(offer.getByRole('alert')).toHaveText('Price per GPU-hour (USD): required');
  await offer.getByLabel('Price per GPU-hour (USD)').fill('1.90');
  await offer.getByLabel('Price per million tokens (USD)').fill('0.15');
  await offer.getByLabel("Share of the site's GPUs offered (%)").fill('150');
  await offer.getByRole('button', { name: 'Publish offer' }).click();
  await expect(offer.getByRole('alert')).toContainText('must be at most 100');

  await page.getByRole('link', { name: '← Console' }).click();
  await expectDashboard(page, organization);
  await expect(page.getByRole('heading', { name: /Nodes/ })).toContainText('4 GPUs · 1 offer');
  // A new operator's offers reach the marketplace once a platform admin has approved it.
  await expect(page.getByTestId('approval')).toContainText('Awaiting approval');

  // A platform admin approves the operator; the console stops saying it waits.
  const adminContext = await browser.newContext({ baseURL });
  const admin = await adminContext.newPage();
  await signIn(admin, 'admin@aigrid.example', DEMO_PASSWORD);
  await expect(admin).toHaveURL(/\/dashboard$/);
  const pending = admin.getByRole('region', { name: 'Operators awaiting approval' });
  await pending.getByRole('button', { name: `Approve ${organization}` }).click();
  await expect(pending.getByRole('button', { name: `Approve ${organization}` })).toHaveCount(0);
  await adminContext.close();
  await page.reload();
  await expect(page.getByTestId('approval')).toHaveCount(0);
  const row = page.getByRole('row').filter({ hasText: 'fra3-gpu-1' });
  await expect(row).toContainText('Frankfurt-POP-3');
  // Healthy within a few heartbeats, with the live load the agent reports.
  await expect(async () => {
    await page.reload();
    await expect(row).toContainText('healthy', { timeout: 1_000 });
    await expect(row).toContainText(/0 running · 0 queued · KV \d+%/, { timeout: 1_000 });
  }).toPass({ timeout: 40_000 });
});
