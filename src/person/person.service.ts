import type { Loaders } from '../graphql/context';
import { buildConnection, toPageRequest, type ConnectionArgs, type ConnectionResult } from '../graphql/relay/connection';
import { nameIdCursor } from '../graphql/relay/cursor';
import { fromGlobalIdOfType } from '../graphql/relay/global-id';
import { requireExactlyOne } from '../source/source.service';
import { normalizeForSearch, normalizeText } from '../text/normalize';
import type { PersonRepository } from './person.repository';
import type { PersonRecord } from './person.types';

export class PersonService {
  constructor(private readonly people: PersonRepository) {}

  async find(loaders: Loaders, by: { id?: string | null; slug?: string | null }): Promise<PersonRecord | null> {
    requireExactlyOne(by, ['id', 'slug']);
    if (by.id != null) return loaders.personById.load(fromGlobalIdOfType(by.id, 'Person'));
    return this.people.findBySlug(normalizeText(by.slug!).toLowerCase());
  }

  async list(search: string | null | undefined, args: ConnectionArgs): Promise<ConnectionResult<PersonRecord>> {
    const page = toPageRequest(args);
    const after = page.cursor ? nameIdCursor.decode(page.cursor, 'people', page.cursorArgument) : null;
    // Normalised exactly as stored text is, so any Unicode form of a name finds it.
    const normalized = search != null ? normalizeForSearch(search) || null : null;
    const rows = await this.people.list(normalized, page.limit, after, page.direction === 'backward');
    return buildConnection(
      rows,
      page,
      (row) => nameIdCursor.encode({ name: row.name, id: row.dbId }, 'people'),
      () => this.people.count(normalized),
    );
  }
}
