import type { KnownEntity } from '../../article/article-assembler';
import type { PersonRepository } from '../../person/person.repository';
import type { SourceRepository } from '../../source/source.repository';
import { normalizeForSearch } from '../../text/normalize';
import { slugify } from '../../text/slug';

/**
 * The people and outlets a run links text to, loaded once per run: mentions and citations are
 * matched against their aliases (script-aware, text/aliases.ts), bylines against their exact
 * names. People first met in a byline during the run are added as they are created.
 */
export class EntityDirectory {
  private readonly personByName = new Map<string, string>();
  private readonly personBySlug = new Map<string, string>();
  private readonly sourceNames = new Set<string>();

  private constructor(
    readonly people: KnownEntity[],
    readonly sources: KnownEntity[],
  ) {}

  static async load(people: PersonRepository, sources: SourceRepository): Promise<EntityDirectory> {
    const [personRows, sourceRows] = await Promise.all([people.listAliases(), sources.listAliases()]);
    const directory = new EntityDirectory(
      personRows.map((row) => ({ id: row.id, aliases: [row.name, ...row.aliases] })),
      sourceRows.map((row) => ({ id: row.id, aliases: [row.name, ...row.aliases] })),
    );
    for (const row of personRows) directory.indexPerson(row.id, row.slug, [row.name, ...row.aliases]);
    for (const row of sourceRows) for (const name of [row.name, ...row.aliases]) directory.sourceNames.add(normalizeForSearch(name));
    return directory;
  }

  /** The person a byline name denotes: an exact alias, or the same slug (the same name transliterated). */
  findPerson(name: string): string | null {
    return this.personByName.get(normalizeForSearch(name)) ?? this.personBySlug.get(slugify(name)) ?? null;
  }

  /** Whether a byline name is an outlet (`Reuters`, `রয়টার্স`): cited, never made a person. */
  isSource(name: string): boolean {
    return this.sourceNames.has(normalizeForSearch(name));
  }

  addPerson(id: string, slug: string, name: string): void {
    if (!this.people.some((person) => person.id === id)) this.people.push({ id, aliases: [name] });
    this.indexPerson(id, slug, [name]);
  }

  private indexPerson(id: string, slug: string, names: string[]): void {
    this.personBySlug.set(slug, id);
    for (const name of names) {
      const key = normalizeForSearch(name);
      if (!this.personByName.has(key)) this.personByName.set(key, id);
    }
  }
}
