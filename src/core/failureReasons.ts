// Why an attempt to build the tunnel failed, in the plain words the tunnel's status, support and
// the web UI use. The list lives here, below every subsystem, as the drop reasons do
// (dropReasons.ts): the tunnel, which reports by these reasons, and the web UI, which says each in
// its own languages, name the same list, and the type checker refuses either when a reason is
// added without its text there.
export const FAILURE_REASONS = [
  'authentication failed',
  'no proposal chosen',
  'gateway certificate not trusted',
  'certificate expired',
  'certificate not yet valid',
  // A certificate judged outside its validity while the box's clock was not synchronised.
  'clock not synchronised',
  'gateway unreachable',
  'tunnel not passing traffic',
  'gateway identity not accepted',
  'attempt failed',
] as const;

export type FailureReason = (typeof FAILURE_REASONS)[number];
