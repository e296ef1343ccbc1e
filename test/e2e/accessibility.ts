// axe-core's verdict on what the browser shows: the violations a person with a screen reader, a
// keyboard or low vision would run into, of the two worst impacts, each told by its rule, the
// element and the page, so a failing test says what to fix where.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** The impacts that fail a page: what blocks (critical) or seriously hinders (serious) someone. */
const FAILING_IMPACTS: readonly string[] = ['serious', 'critical'];

/** The serious and critical violations on `page`, one line each: `<where>: <rule> (<impact>) at <element>: <what is wrong>`. */
export async function seriousViolations(page: Page, where: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((violation) => FAILING_IMPACTS.includes(violation.impact ?? ''))
    .flatMap((violation) => violation.nodes.map((node) => `${where}: ${violation.id} (${violation.impact ?? ''}) at ${node.target.join(' ')}: ${violation.help}`));
}
