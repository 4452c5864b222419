// HiGHS (MILP solver, compiled to WebAssembly) loaded once per process on first use.
import type { Highs } from 'highs';

let loading: Promise<Highs> | undefined;

export function highsRuntime(): Promise<Highs> {
  loading ??= import('highs').then((m) => m.default());
  return loading;
}
