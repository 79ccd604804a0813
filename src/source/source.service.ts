import { requireExactlyOne } from '../common/require-exactly-one';
import type { ServiceContext } from '../common/request-context';
import type { KeysetPage, NameIdKey, RowsPage } from '../db/keyset';
import { normalizeText } from '../text/normalize';
import type { SourceLoaders } from './source.loaders';
import type { SourceRepository } from './source.repository';
import type { SourceRecord } from './source.record';

/** What the source service reads through the request's loaders. */
export type SourceContext = ServiceContext<SourceLoaders>;

export class SourceService {
  constructor(private readonly sources: SourceRepository) {}

  /** By exactly one of database id or slug; null when there is no such source. */
  async find(ctx: SourceContext, by: { id?: string | null; slug?: string | null }): Promise<SourceRecord | null> {
    requireExactlyOne(by, ['id', 'slug']);
    if (by.id != null) return ctx.loaders.sourceById.load(by.id);
    return this.sources.findBySlug(normalizeText(by.slug!).toLowerCase());
  }

  /** Every source, alphabetically. */
  async list(_ctx: SourceContext, page: KeysetPage<NameIdKey>): Promise<RowsPage<SourceRecord>> {
    return { rows: await this.sources.list(page), total: () => this.sources.count() };
  }
}
