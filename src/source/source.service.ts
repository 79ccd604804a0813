import { requireExactlyOne } from '../common/require-exactly-one';
import type { ServiceContext } from '../common/request-context';
import { buildConnection, toPageRequest, type ConnectionArgs, type ConnectionResult } from '../graphql/relay/connection';
import { nameIdCursor } from '../graphql/relay/cursor';
import { fromGlobalIdOfType } from '../graphql/relay/global-id';
import { normalizeText } from '../text/normalize';
import type { SourceLoaders } from './source.loaders';
import type { SourceRepository } from './source.repository';
import type { SourceRecord } from './source.record';

/** What the source service reads through the request's loaders. */
export type SourceContext = ServiceContext<SourceLoaders>;

const CURSOR_KIND = 'sources';

export class SourceService {
  constructor(private readonly sources: SourceRepository) {}

  /** By exactly one of id or slug; null when there is no such source. */
  async find(ctx: SourceContext, by: { id?: string | null; slug?: string | null }): Promise<SourceRecord | null> {
    requireExactlyOne(by, ['id', 'slug']);
    if (by.id != null) return ctx.loaders.sourceById.load(fromGlobalIdOfType(by.id, 'Source'));
    return this.sources.findBySlug(normalizeText(by.slug!).toLowerCase());
  }

  async list(_ctx: SourceContext, args: ConnectionArgs): Promise<ConnectionResult<SourceRecord>> {
    const page = toPageRequest(args);
    const after = page.cursor ? nameIdCursor.decode(page.cursor, CURSOR_KIND, page.cursorArgument) : null;
    const rows = await this.sources.list({ limit: page.limit, after, backward: page.direction === 'backward' });
    return buildConnection(
      rows,
      page,
      (row) => nameIdCursor.encode({ name: row.name, id: row.dbId }, CURSOR_KIND),
      () => this.sources.count(),
    );
  }
}
