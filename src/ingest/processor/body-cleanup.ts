import { isBylineShaped, isPageFurniture } from '../../text/page-lines';

export interface CleanBody {
  paragraphs: string[];
  /** A closing line of initials (`এসএস/এসএন`), moved out of the body: the byline as printed. */
  initialsByline: string | null;
}

/**
 * The same clean-up the seed's text parser applies, for bodies that arrive as HTML (feed content,
 * extracted pages): share buttons and similar furniture dropped wherever they sit, and a last line
 * of initials taken as the byline rather than body text.
 */
export function cleanBody(paragraphs: readonly string[]): CleanBody {
  const kept = paragraphs.filter((paragraph) => !isPageFurniture(paragraph));
  const last = kept[kept.length - 1];
  if (last !== undefined && isBylineShaped(last)) return { paragraphs: kept.slice(0, -1), initialsByline: last };
  return { paragraphs: kept, initialsByline: null };
}
