/** Each object the guest loads: its file name → [the probe's source, relative to the repository; its class]. */
export const guestObjects: Record<string, readonly [string, string]>;
