/**
 * Whether a process still runs: for state named after its owner's pid (a tracefs instance, a test
 * lock) that a killed owner left behind. Signal 0 tests without signalling; EPERM means it runs
 * as someone else.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
