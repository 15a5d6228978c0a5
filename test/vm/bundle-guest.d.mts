/** Writes the bundled guest script to `outfile` (bundle-guest.mjs). */
export function bundleGuest(outfile: string): Promise<void>;
