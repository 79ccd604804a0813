import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

/**
 * Schema changes between two SDL texts, by graphql-inspector, and which breaking ones are marked
 * as intended in schema/intended-breaking-changes.json. Used by `npm run schema:breaking` (CI) and
 * by `npm run schema:emit`, which warns before overwriting the committed schema.
 */

/** One entry of schema/intended-breaking-changes.json. */
export interface IntendedBreakingChange {
  /** The change's path as graphql-inspector gives it (`Article.oldField`, `Query.articles.filter`), or its message. */
  change: string;
  /** Why clients may be broken (what replaced it, who was told). */
  reason: string;
  /** When the break was decided, YYYY-MM-DD. */
  date: string;
}

export interface ClassifiedChange {
  path: string | null;
  message: string;
  /** Why graphql-inspector rates it as it does (breaking and dangerous changes). */
  why: string | null;
  /** The entry that marks this breaking change as intended. */
  intended: IntendedBreakingChange | null;
}

export interface SchemaDiffReport {
  breaking: ClassifiedChange[];
  dangerous: ClassifiedChange[];
  safe: ClassifiedChange[];
  /** Breaking changes no entry marks as intended: these fail the check. */
  unintended: ClassifiedChange[];
  /** Entries that matched no breaking change (already released, or mistyped). */
  unusedIntended: IntendedBreakingChange[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isCalendarDate = (date: string) => {
  const time = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(date);
};

/** Parses and validates the intended-changes file; throws with a message naming the bad entry. */
export function parseIntendedBreakingChanges(text: string, source = 'schema/intended-breaking-changes.json'): IntendedBreakingChange[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new Error(`${source} must hold a JSON array of { "change", "reason", "date" } entries.`);
  return parsed.map((entry: unknown, index) => {
    const where = `${source}[${index}]`;
    if (typeof entry !== 'object' || entry === null) throw new Error(`${where} must be an object.`);
    const { change, reason, date } = entry as Record<string, unknown>;
    if (typeof change !== 'string' || change.trim() === '') throw new Error(`${where}.change must name the change (its path, e.g. "Article.oldField").`);
    if (typeof reason !== 'string' || reason.trim() === '') throw new Error(`${where}.reason must say why the break is intended.`);
    if (typeof date !== 'string' || !DATE.test(date) || !isCalendarDate(date)) {
      throw new Error(`${where}.date must be a date written YYYY-MM-DD.`);
    }
    return { change: change.trim(), reason, date };
  });
}

function matches(entry: IntendedBreakingChange, change: Change): boolean {
  return entry.change === change.path || entry.change === change.message;
}

/** Every change from `oldSdl` to `newSdl`, by criticality, with the breaking ones matched to `intended`. */
export async function diffSchemas(oldSdl: string, newSdl: string, intended: readonly IntendedBreakingChange[] = []): Promise<SchemaDiffReport> {
  const changes = await diff(buildSchema(oldSdl), buildSchema(newSdl));
  const report: SchemaDiffReport = { breaking: [], dangerous: [], safe: [], unintended: [], unusedIntended: [] };
  const used = new Set<IntendedBreakingChange>();
  for (const change of changes) {
    const level = change.criticality.level;
    const entry = level === CriticalityLevel.Breaking ? (intended.find((e) => matches(e, change)) ?? null) : null;
    if (entry) used.add(entry);
    const classified: ClassifiedChange = {
      path: change.path ?? null,
      message: change.message,
      why: level === CriticalityLevel.NonBreaking ? null : (change.criticality.reason ?? null),
      intended: entry,
    };
    if (level === CriticalityLevel.Breaking) {
      report.breaking.push(classified);
      if (!entry) report.unintended.push(classified);
    } else if (level === CriticalityLevel.Dangerous) {
      report.dangerous.push(classified);
    } else {
      report.safe.push(classified);
    }
  }
  report.unusedIntended = intended.filter((entry) => !used.has(entry));
  return report;
}

/** The report as text, one change a line, grouped breaking / dangerous / safe. */
export function formatSchemaDiff(report: SchemaDiffReport, options: { onlyBreaking?: boolean } = {}): string {
  const lines: string[] = [];
  const label = (c: ClassifiedChange) => (c.path ? `${c.path}: ${c.message}` : c.message);
  const group = <T>(title: string, items: T[], describe: (item: T) => string) => {
    if (items.length === 0) return;
    lines.push(`${title} (${items.length}):`);
    for (const item of items) lines.push(`  ${describe(item)}`);
  };
  group('Breaking changes', report.breaking, (c) =>
    c.intended
      ? `${label(c)}  [intended ${c.intended.date}: ${c.intended.reason}]`
      : `${label(c)}  [NOT MARKED AS INTENDED]${c.why ? `\n      ${c.why}` : ''}`,
  );
  if (!options.onlyBreaking) {
    group('Dangerous changes', report.dangerous, (c) => label(c));
    group('Safe changes', report.safe, (c) => label(c));
    group('Intended breaking changes that matched nothing (remove them once released)', report.unusedIntended, (e) => `${e.change} (${e.date})`);
  }
  return lines.join('\n');
}
