import type { JiraConfig, JiraField } from '../../src/config/schema-itsm.ts';
import { TicketingError } from '../../src/tickets/ticketing-error.ts';

/**
 * Which option of the site's select fields each of patchbot's values becomes. Option names are the
 * site's (a Service Management Impact field offers "Extensive / Widespread" … "Minor / Localized",
 * not Low/Medium/High), so they are read from createmeta (or the request type's fields) at startup,
 * mapped by `itsm.jira.values` or the defaults below, and a mapping that names no allowed option
 * stops startup with the field and its options, instead of failing every create.
 */
export type SelectField = 'changeType' | 'risk' | 'impact';
export const SELECT_FIELDS: SelectField[] = ['changeType', 'risk', 'impact'];

/** A field as the create screen (or the request type's form) offers it. */
export interface SiteField {
  id: string;
  name: string;
  required: boolean;
  /** Select options; null for fields without a fixed list. */
  options: { id: string; name: string }[] | null;
}

export interface SiteOption {
  id: string;
  name: string;
}

/** patchbot value → the site's option, per mapped select field. */
export type OptionPlan = Partial<Record<SelectField, Record<string, SiteOption>>>;

/** Tried in order (case-insensitive) when itsm.jira.values names no option; the second names are JSM's change-management defaults. */
const DEFAULTS: Record<SelectField, Record<string, string[]>> = {
  changeType: { standard: ['Standard'], normal: ['Normal'], emergency: ['Emergency'] },
  risk: { low: ['Low'], moderate: ['Medium', 'Moderate'], high: ['High'] },
  impact: { low: ['Low', 'Minor / Localized'], medium: ['Medium', 'Moderate / Limited'], high: ['High', 'Significant / Large'] },
};

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
const quoted = (names: string[]) => names.map((n) => `"${n}"`).join(', ');

export interface ResolvedFields {
  plan: OptionPlan;
  /** What `config check --connect` shows. */
  lines: string[];
}

/**
 * Checks every mapped field against what the site offers and picks each select value's option.
 * Throws one `rejected` TicketingError listing every problem (field, value, allowed options).
 */
export const resolveFields = (config: Pick<JiraConfig, 'fields' | 'values'>, site: SiteField[], where: string): ResolvedFields => {
  const problems: string[] = [];
  const lines: string[] = [];
  const plan: OptionPlan = {};
  for (const [ours, id] of Object.entries(config.fields) as [JiraField, string][]) {
    const field = site.find((f) => f.id === id);
    if (!field) {
      problems.push(`itsm.jira.fields.${ours}: ${id} is not on ${where}; its fields are ${site.map((f) => `${f.id} ("${f.name}")`).join(', ') || 'none'}`);
      continue;
    }
    if (!(SELECT_FIELDS as string[]).includes(ours)) continue;
    const select = ours as SelectField;
    const allowed = field.options ?? [];
    const configured = config.values[select] as Record<string, string | undefined> | undefined;
    const chosen: Record<string, SiteOption> = {};
    for (const [value, candidates] of Object.entries(DEFAULTS[select])) {
      const wanted = configured?.[value];
      const option = wanted ? allowed.find((o) => same(o.name, wanted)) : candidates.map((c) => allowed.find((o) => same(o.name, c))).find(Boolean);
      if (option) chosen[value] = option;
      else if (wanted) problems.push(`itsm.jira.values.${select}.${value}: "${wanted}" is not an option of ${id} ("${field.name}"); allowed: ${quoted(allowed.map((o) => o.name))}`);
      else
        problems.push(
          `${id} ("${field.name}", mapped as ${select}) has no option for patchbot's "${value}"; allowed: ${quoted(allowed.map((o) => o.name))}. Map it under itsm.jira.values.${select}.${value}`,
        );
    }
    plan[select] = chosen;
    lines.push(
      `${select} → ${id} ("${field.name}"): ${Object.entries(chosen)
        .map(([v, o]) => `${v} = "${o.name}"`)
        .join(', ')}; allowed: ${quoted(allowed.map((o) => o.name))}`,
    );
  }
  if (problems.length) throw new TicketingError('rejected', 'jira', `The Jira field mapping does not fit ${where}:\n- ${problems.join('\n- ')}`);
  return { plan, lines };
};
