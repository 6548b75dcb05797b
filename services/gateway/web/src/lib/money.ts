const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** Prices travel as integer cents so sums stay exact; only display divides. */
export function formatCents(cents: number): string {
  return usd.format(cents / 100);
}
