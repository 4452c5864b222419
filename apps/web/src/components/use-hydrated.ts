'use client';
import { useEffect, useState } from 'react';

/**
 * False in the server's HTML and until React has taken the page over. Forms keep their controls
 * disabled until then, so that nothing typed or clicked before is lost or submitted natively.
 */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}
