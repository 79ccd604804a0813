import type { ServiceContext } from '../common/request-context';
import type { KeysetPage, NameIdKey, RowsPage } from '../db/keyset';
import { requireExactlyOne } from '../common/require-exactly-one';
import { normalizeForSearch, normalizeText } from '../text/normalize';
import type { PersonLoaders } from './person.loaders';
import type { PersonRepository } from './person.repository';
import type { PersonRecord } from './person.record';

/** What the person service reads through the request's loaders. */
export type PersonContext = ServiceContext<PersonLoaders>;

export class PersonService {
  constructor(private readonly people: PersonRepository) {}

  /** By exactly one of database id or slug; null when there is no such person. */
  async find(ctx: PersonContext, by: { id?: string | null; slug?: string | null }): Promise<PersonRecord | null> {
    requireExactlyOne(by, ['id', 'slug']);
    if (by.id != null) return ctx.loaders.personById.load(by.id);
    return this.people.findBySlug(normalizeText(by.slug!).toLowerCase());
  }

  /** People alphabetically; with `search`, those whose name or an alias matches it. */
  async list(_ctx: PersonContext, search: string | null | undefined, page: KeysetPage<NameIdKey>): Promise<RowsPage<PersonRecord>> {
    // Normalised exactly as stored text is, so any Unicode form of a name finds it.
    const normalized = search != null ? normalizeForSearch(search) || null : null;
    const rows = await this.people.list(normalized, page);
    return { rows, total: () => this.people.count(normalized) };
  }
}
