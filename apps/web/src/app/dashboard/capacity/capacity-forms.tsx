'use client';

import type { AppRouter } from '@aigrid/api';
import type { inferRouterInputs } from '@trpc/server';
import { useState } from 'react';
import { ActionForm } from '@/components/action-form';
import { OptionSelect, type NamedOption } from '@/components/option-select';
import { createSiteAction, enrolNodeAction, publishOfferAction } from './actions';

type Option = NamedOption;

type Jurisdictions = inferRouterInputs<AppRouter>['site']['create']['jurisdictions'];

const micros = (usd: FormDataEntryValue | null) => Math.round(Number(usd) * 1e6);

export function SiteForm({
  metros,
  jurisdictions,
}: {
  metros: (Option & { countryCode: string })[];
  jurisdictions: string[];
}) {
  const [country, setCountry] = useState(metros[0]?.countryCode ?? '');
  return (
    <ActionForm
      label="Add a site"
      submit="Add site"
      done="Site added."
      run={(f) =>
        createSiteAction({
          name: String(f.get('name')),
          metroId: String(f.get('metroId')),
          countryCode: String(f.get('countryCode')),
          jurisdictions: f.getAll('jurisdictions').map(String) as Jurisdictions,
          uplinkGbps: Number(f.get('uplinkGbps')),
          egressPricePerGbMicros: micros(f.get('egressUsdPerGb')),
        })
      }
    >
      <label>
        Site name
        <input name="name" required />
      </label>
      <OptionSelect
        label="Metro"
        name="metroId"
        options={metros}
        onChange={(e) =>
          setCountry(metros.find((m) => m.id === e.target.value)?.countryCode ?? country)
        }
      />
      <label>
        Country (ISO code)
        <input name="countryCode" value={country} onChange={(e) => setCountry(e.target.value)} />
      </label>
      <fieldset>
        <legend>Jurisdictions the site guarantees</legend>
        <div className="actions">
          {jurisdictions.map((j) => (
            <label key={j}>
              <input type="checkbox" name="jurisdictions" value={j} /> {j}
            </label>
          ))}
        </div>
      </fieldset>
      <label>
        Uplink (Gbit/s)
        <input name="uplinkGbps" type="number" min={1} defaultValue={100} />
      </label>
      <label>
        Egress price (USD per GB)
        <input name="egressUsdPerGb" type="number" min={0} step="0.001" defaultValue={0.01} />
      </label>
    </ActionForm>
  );
}

export function EnrolNodeForm({ sites, gpuTypes }: { sites: Option[]; gpuTypes: Option[] }) {
  const [enrolled, setEnrolled] = useState<{ name: string; agentCommand: string } | null>(null);
  return (
    <>
      <ActionForm
        label="Enrol a node"
        submit="Enrol node"
        done="Node enrolled."
        run={(f) =>
          enrolNodeAction({
            siteId: String(f.get('siteId')),
            name: String(f.get('name')),
            gpuTypeId: String(f.get('gpuTypeId')),
            gpuCount: Number(f.get('gpuCount')),
          })
        }
        onDone={setEnrolled}
      >
        <OptionSelect label="Site" name="siteId" options={sites} />
        <label>
          Node name
          <input name="name" required />
        </label>
        <OptionSelect label="GPU type" name="gpuTypeId" options={gpuTypes} />
        <label>
          GPUs
          <input name="gpuCount" type="number" min={1} max={64} defaultValue={4} />
        </label>
      </ActionForm>
      {enrolled && (
        <div className="stack" data-testid="enrolment">
          <p>
            Run this on <strong>{enrolled.name}</strong> to start its agent. The token works once
            and is not shown again.
          </p>
          <pre data-testid="agent-command">
            <code>{enrolled.agentCommand}</code>
          </pre>
        </div>
      )}
    </>
  );
}

export function PublishOfferForm({ sites, gpuTypes }: { sites: Option[]; gpuTypes: Option[] }) {
  return (
    <ActionForm
      label="Publish an offer"
      submit="Publish offer"
      done="Offer published."
      run={(f) =>
        publishOfferAction({
          siteId: String(f.get('siteId')),
          gpuTypeId: String(f.get('gpuTypeId')),
          pricePerGpuHourMicros: micros(f.get('usdPerGpuHour')),
          pricePerMTokensMicros: micros(f.get('usdPerMTokens')),
          capacitySharePct: Number(f.get('sharePct')),
        })
      }
    >
      <OptionSelect label="Site" name="siteId" options={sites} />
      <OptionSelect label="GPU type" name="gpuTypeId" options={gpuTypes} />
      <label>
        Price per GPU-hour (USD)
        <input name="usdPerGpuHour" type="number" min={0} step="0.01" required />
      </label>
      <label>
        Price per million tokens (USD)
        <input name="usdPerMTokens" type="number" min={0} step="0.01" required />
      </label>
      <label>
        Share of the site&apos;s GPUs offered (%)
        <input name="sharePct" type="number" min={1} max={100} defaultValue={70} />
      </label>
    </ActionForm>
  );
}
