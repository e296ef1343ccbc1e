// Polls until the check passes (returns without throwing) or the time is up; then rethrows the
// check's last failure, so the test reports what was still wrong.
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
