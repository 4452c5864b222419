'use client';

import type { TPreviewEndpointInput } from '@aigrid/api';
import { useRouter } from 'next/navigation';
import { useMemo, useState, type FormEvent } from 'react';
import { OptionSelect, type NamedOption } from '@/components/option-select';
import { useHydrated } from '@/components/use-hydrated';
import { createEndpointAction, previewEndpointAction, type WizardPreview } from './actions';

type Option = NamedOption;

interface DemandRow {
  metroId: string;
  percent: string;
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const money = (micros: number) => usd.format(micros / 1e6);
const perMTokens = (micros: number) =>
  `$${(micros / 1e6).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 })}`;

interface Previewed extends WizardPreview {
  /** The inputs it answers, to tell when the form changed since. */
  key: string;
}

type Jurisdiction = TPreviewEndpointInput['jurisdictions'][number];

export function CreateEndpointWizard({
  models,
  metros,
  jurisdictions: allJurisdictions,
}: {
  models: Option[];
  metros: Option[];
  /** The tags sites carry, in the API's order. */
  jurisdictions: string[];
}) {
  const router = useRouter();
  const [name, setName] = useState('');
  const [modelId, setModelId] = useState(
    models.find((m) => m.id === 'llama-3.1-8b-instruct')?.id ?? models[0]?.id ?? '',
  );
  const [slo, setSlo] = useState('300');
  const [jurisdictions, setJurisdictions] = useState<string[]>(['EU']);
  const [demand, setDemand] = useState<DemandRow[]>([
    {
      metroId: metros.find((m) => m.id === 'frankfurt')?.id ?? metros[0]?.id ?? '',
      percent: '100',
    },
  ]);
  const [rps, setRps] = useState('1');
  const [budget, setBudget] = useState('');
  const [redundancy, setRedundancy] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<'preview' | 'create' | null>(null);
  const [previewed, setPreviewed] = useState<Previewed | null>(null);
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const hydrated = useHydrated();
  const metroName = useMemo(() => new Map(metros.map((m) => [m.id, m.name])), [metros]);

  const input = (): TPreviewEndpointInput => ({
    modelId,
    sloTtftP95Ms: Number(slo),
    jurisdictions: jurisdictions as Jurisdiction[],
    demand: demand.map((d) => ({ metroId: d.metroId, weight: Number(d.percent) })),
    expectedRps: Number(rps),
    ...(budget.trim() !== '' ? { budgetMicrosPerMonth: Math.round(Number(budget) * 1e6) } : {}),
    redundancy,
  });
  const key = JSON.stringify(input());
  const current = previewed?.key === key ? previewed : null;

  async function onPreview(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setPending('preview');
    try {
      const result = await previewEndpointAction(input());
      if (!result.ok) {
        setError(result.message);
        setPreviewed(null);
        return;
      }
      setPreviewed({ key, ...result.value });
    } finally {
      setPending(null);
    }
  }

  async function onCreate() {
    setError(null);
    setPending('create');
    try {
      const created = await createEndpointAction({ ...input(), name, idempotencyKey });
      if (!created.ok) {
        setError(created.message);
        return;
      }
      router.push(`/dashboard/endpoints/${created.value.id}`);
    } finally {
      setPending(null);
    }
  }

  const setRow = (i: number, row: Partial<DemandRow>) =>
    setDemand(demand.map((d, j) => (j === i ? { ...d, ...row } : d)));

  return (
    <div className="stack">
      <form className="panel stack" onSubmit={onPreview} noValidate aria-label="Endpoint">
        <fieldset className="plain stack" disabled={!hydrated}>
          {error && (
            <div className="error" role="alert" data-testid="form-error">
              {error}
            </div>
          )}
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          <OptionSelect
            label="Model"
            options={models}
            value={modelId}
            onChange={(e) => setModelId(e.target.value)}
          />
          <label>
            Time to first token, p95 (ms)
            <input
              type="number"
              min={10}
              value={slo}
              onChange={(e) => setSlo(e.target.value)}
              required
            />
          </label>
          <fieldset>
            <legend>Where it may run: sites must carry every tag ticked</legend>
            <div className="actions">
              {allJurisdictions.map((j) => (
                <label key={j}>
                  <input
                    type="checkbox"
                    checked={jurisdictions.includes(j)}
                    onChange={(e) =>
                      setJurisdictions(
                        e.target.checked
                          ? [...jurisdictions, j]
                          : jurisdictions.filter((x) => x !== j),
                      )
                    }
                  />{' '}
                  {j}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset>
            <legend>Where your users are</legend>
            {demand.map((d, i) => (
              <div className="actions" key={i}>
                <select
                  aria-label={`Metro ${i + 1}`}
                  value={d.metroId}
                  onChange={(e) => setRow(i, { metroId: e.target.value })}
                >
                  {metros.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name}
                    </option>
                  ))}
                </select>
                <input
                  aria-label={`Share of metro ${i + 1} (%)`}
                  type="number"
                  min={1}
                  value={d.percent}
                  onChange={(e) => setRow(i, { percent: e.target.value })}
                />
                {demand.length > 1 && (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => setDemand(demand.filter((_, j) => j !== i))}
                  >
                    Remove
                  </button>
                )}
              </div>
            ))}
            <button
              type="button"
              className="secondary"
              onClick={() =>
                setDemand([
                  ...demand,
                  {
                    metroId: metros.find((m) => !demand.some((d) => d.metroId === m.id))?.id ?? '',
                    percent: '0',
                  },
                ])
              }
            >
              Add a metro
            </button>
          </fieldset>
          <label>
            Expected requests per second
            <input type="number" min={0} value={rps} onChange={(e) => setRps(e.target.value)} />
          </label>
          <label>
            Monthly budget (USD, optional)
            <input
              type="number"
              min={0}
              value={budget}
              onChange={(e) => setBudget(e.target.value)}
            />
          </label>
          <label>
            <input
              type="checkbox"
              checked={redundancy}
              onChange={(e) => setRedundancy(e.target.checked)}
            />{' '}
            Redundant: serve every metro from two sites
          </label>
          <button type="submit" disabled={pending !== null}>
            {pending === 'preview' ? 'Placing…' : 'Preview'}
          </button>
        </fieldset>
      </form>

      {current && (
        <section className="panel" aria-labelledby="preview-heading" data-testid="preview">
          <h2 id="preview-heading">
            {current.asked.feasible
              ? `Placeable: ${money(current.asked.costPerMonthMicros)}/month, ${perMTokens(current.asked.costPerMTokensMicros)} per million tokens`
              : 'Not placeable as asked'}
          </h2>
          <table aria-label="Latency per metro">
            <thead>
              <tr>
                <th>Metro</th>
                <th>Served by</th>
                <th>p50 TTFT</th>
                <th>p95 TTFT</th>
                <th>Meets the SLO</th>
              </tr>
            </thead>
            <tbody>
              {current.asked.perMetro.map((m) => (
                <tr key={m.metroId}>
                  <td>{metroName.get(m.metroId) ?? m.metroId}</td>
                  <td>{m.servedBy.join(', ') || '–'}</td>
                  <td>{m.p50TtftMs === null ? '–' : `${Math.round(m.p50TtftMs)} ms`}</td>
                  <td>{m.p95TtftMs === null ? '–' : `${Math.round(m.p95TtftMs)} ms`}</td>
                  <td>{m.meetsSlo ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {current.asked.replicas.length > 0 && (
            <p data-testid="preview-replicas">
              Replicas:{' '}
              {current.asked.replicas
                .map((r) => `${r.siteName} (${r.gpuCount} × ${r.gpuTypeId})`)
                .join(', ')}
            </p>
          )}
          {current.asked.reasons.length > 0 && (
            <>
              <h3>Why not</h3>
              <ul data-testid="preview-reasons">
                {current.asked.reasons.map((r, i) => (
                  <li key={i}>{r.message}</li>
                ))}
              </ul>
            </>
          )}
          {current.asked.alternatives.length > 0 && (
            <>
              <h3>What would work</h3>
              <ul>
                {current.asked.alternatives.map((a, i) => (
                  <li key={i}>{a.message}</li>
                ))}
              </ul>
            </>
          )}
          <h3>Other latency targets</h3>
          <table aria-label="Other latency targets">
            <thead>
              <tr>
                <th>p95 TTFT</th>
                <th>Per month</th>
              </tr>
            </thead>
            <tbody>
              {current.around.map((a) => (
                <tr key={a.sloMs}>
                  <td>{a.sloMs} ms</td>
                  <td>
                    {a.preview?.feasible ? money(a.preview.costPerMonthMicros) : 'not placeable'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="actions">
            <button
              type="button"
              onClick={onCreate}
              disabled={!current.asked.feasible || name.trim() === '' || pending !== null}
            >
              {pending === 'create' ? 'Creating…' : 'Create endpoint'}
            </button>
            {name.trim() === '' && <span className="muted">Name it to create it.</span>}
          </div>
        </section>
      )}
    </div>
  );
}
