import type { ServiceContext } from '../common/request-context';
import { buildConnection, toPageRequest, type ConnectionArgs, type ConnectionResult } from '../graphql/relay/connection';
import { nameIdCursor } from '../graphql/relay/cursor';
import { fromGlobalIdOfType } from '../graphql/relay/global-id';
import { requireExactlyOne } from '../common/require-exactly-one';
import { normalizeForSearch, normalizeText } from '../text/normalize';
import type { PersonLoaders } from './person.loaders';
import type { PersonRepository } from './person.repository';
import type { PersonRecord } from './person.record';

/** What the person service reads through the request's loaders. */
export type PersonContext = ServiceContext<PersonLoaders>;

export class PersonService {
  constructor(private readonly people: PersonRepository) {}

  async find(ctx: PersonContext, by: { id?: string | null; slug?: string | null }): Promise<PersonRecord | null> {
    requireExactlyOne(by, ['id', 'slug']);
    if (by.id != null) return ctx.loaders.personById.load(fromGlobalIdOfType(by.id, 'Person'));
    return this.people.findBySlug(normalizeText(by.slug!).toLowerCase());
  }

  async list(_ctx: PersonContext, search: string | null | undefined, args: ConnectionArgs): Promise<ConnectionResult<PersonRecord>> {
    const page = toPageRequest(args);
    const after = page.cursor ? nameIdCursor.decode(page.cursor, 'people', page.cursorArgument) : null;
    // Normalised exactly as stored text is, so any Unicode form of a name finds it.
    const normalized = search != null ? normalizeForSearch(search) || null : null;
    const rows = await this.people.list(normalized, { limit: page.limit, after, backward: page.direction === 'backward' });
    return buildConnection(
      rows,
      page,
      (row) => nameIdCursor.encode({ name: row.name, id: row.dbId }, 'people'),
      () => this.people.count(normalized),
    );
  }
}
