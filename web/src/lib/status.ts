/** The badge colour of a report's status: done, in progress, or refused. */
export function statusBadge(status: string): 'ok' | 'warn' | 'bad' {
  if (status === 'VERIFIED' || status === 'RESOLVED') return 'ok'
  if (status === 'REJECTED' || status === 'ESCALATED') return 'bad'
  return 'warn'
}
