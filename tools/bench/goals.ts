/** The performance goals, and how a measured figure stands against each. */

export interface GoalCheck {
  readonly goal: string;
  /** undefined when the figure was not measured in this run. */
  readonly met: boolean | undefined;
  readonly detail: string;
}

/** A figure that must stay at or below a limit; `format` prints both. */
export function atMost(
  goal: string,
  value: number | undefined,
  limit: number,
  format: (n: number) => string,
): GoalCheck {
  if (value === undefined) return { goal, met: undefined, detail: 'not measured in this run' };
  const met = value <= limit;
  // A relative margin says little when the figure is itself a percentage or the limit is zero.
  const percent =
    limit === 0 || format(1).endsWith('%')
      ? ''
      : ` (${Math.abs(((value - limit) / limit) * 100).toFixed(0)}% of the limit)`;
  const detail = met
    ? `${format(value)} ≤ ${format(limit)}: met with ${format(limit - value)} to spare${percent}`
    : `${format(value)} > ${format(limit)}: missed by ${format(value - limit)}${percent}`;
  return { goal, met, detail };
}

/** Several conditions that must all hold, each already checked. */
export function allOf(goal: string, parts: readonly GoalCheck[]): GoalCheck {
  const measured = parts.filter((part) => part.met !== undefined);
  const met = measured.length < parts.length ? undefined : measured.every((part) => part.met === true);
  return { goal, met, detail: parts.map((part) => `${part.goal}: ${part.detail}`).join('; ') };
}

export function formatGoal(check: GoalCheck): string {
  const verdict = check.met === undefined ? 'n/a   ' : check.met ? 'MET   ' : 'MISSED';
  return `  [${verdict}] ${check.goal}\n           ${check.detail}`;
}
