// A labelled <select> of named options (sites, GPU types, models, metros).
import type { SelectHTMLAttributes } from 'react';

export interface NamedOption {
  id: string;
  name: string;
}

export function OptionSelect({
  label,
  options,
  ...select
}: { label: string; options: NamedOption[] } & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <label>
      {label}
      <select {...select}>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
}
