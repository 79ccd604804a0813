import { randomUUID } from 'node:crypto';
import { minhashSimilarity, NEAR_DUPLICATE_SIMILARITY } from '../text/fingerprint';

/**
 * Story clustering and duplicate detection, decided for one ingest batch at a time (pure: the
 * store reads the candidates and writes the outcome, in the batch's transaction).
 *
 * Each new article is compared with its candidates (stored articles that share a person it names
 * or a band of its shingle signature, within a time window, found through indexes; and the batch's earlier
 * articles) and joins the story of the best-scoring one when the score reaches LINK_THRESHOLD;
 * otherwise it starts a story of its own. A pair's score (scorePair) adds:
 *
 * - shared people (named in both texts, linked through script-aware aliases at ingest): 0.5 for
 *   two or more, 0.2 for one;
 * - a credit: 0.1 when one names the other's outlet as its source ("(Reuters)"); outlets both
 *   merely cite are listed in the reason but score nothing (every wire copy cites the same agency);
 * - text similarity, within one script only: MinHash estimate of the Jaccard similarity J of the
 *   two texts' words of four letters or more, scored (J - 0.1) x 2, at most 0.5;
 * - time: 0.1 x (1 - hours apart / 72).
 *
 * Nothing links two articles more than WINDOW_HOURS (72 h) apart, however much they share (two
 * reports naming the same famous people a week apart are different stories), except a duplicate.
 * A duplicate (the same content hash, or bodies of the same script whose shingle signatures agree
 * in NEAR_DUPLICATE_SIMILARITY of their values, up to DUPLICATE_WINDOW_HOURS apart) always links,
 * with score 1.
 *
 * Deterministic: the same articles stored in the same order give the same stories. Ties between
 * candidates of equal score go to the earlier published one, then the smaller URL; the batch's
 * articles are decided in store order. An article joins one story; stories never merge (an
 * article that would bridge two joins the best one).
 *
 * Duplicates form a group with one canonical copy: the copy from the original publisher when a
 * copy names it (credits the outlet of another copy: "(Reuters)"), otherwise the earliest
 * published (then the smaller URL). A new copy that is the original, or earlier, becomes the
 * group's canonical and the others are re-pointed to it.
 */

export const WINDOW_HOURS = 72;
export const DUPLICATE_WINDOW_HOURS = 168;
export const LINK_THRESHOLD = 0.5;
/** Candidates read per lookup key (person or band), nearest in time first: the lookup is bounded. */
export const CANDIDATES_PER_KEY = 30;

export interface ClusterArticle {
  id: string;
  url: string;
  sourceId: string;
  title: string;
  summary: string | null;
  publishedAt: Date;
  contentHash: string;
  peopleIds: readonly string[];
  citedSourceIds: readonly string[];
  /** MinHash of the body's word 3-shingles (src/text/fingerprint.ts). */
  shingles: readonly number[] | null;
  /** MinHash of the text's words. */
  words: readonly number[] | null;
  script: string | null;
}

export interface StoredCandidate extends ClusterArticle {
  storyId: string | null;
  canonicalId: string | null;
}

/** Why an article joined its story: the pair that tied it, and what they share. */
export interface StoryReason {
  /** The article it was tied to (null: it started the story). */
  linkedTo: string | null;
  score: number;
  duplicate: boolean;
  sharedPeople: string[];
  sharedSources: string[];
  /** Estimated word-set Jaccard similarity (0 across scripts). */
  textSimilarity: number;
  hoursApart: number | null;
}

interface PairScore extends Omit<StoryReason, 'linkedTo' | 'hoursApart'> {
  hoursApart: number;
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** How many distinct values of `a` are in `b` (a person's or outlet's ids: a handful each). */
function sharedCount(a: readonly string[], b: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < a.length; i++) if (a.indexOf(a[i]!) === i && b.includes(a[i]!)) count++;
  return count;
}

/** Hours between two articles' publication. */
function hoursBetween(a: ClusterArticle, b: ClusterArticle): number {
  return Math.abs(a.publishedAt.getTime() - b.publishedAt.getTime()) / 3_600_000;
}

/**
 * Whether two shingle signatures agree in NEAR_DUPLICATE_SIMILARITY of their values or more:
 * minhashSimilarity(a, b) >= NEAR_DUPLICATE_SIMILARITY, answered as soon as the values left cannot
 * bring the share up to it. The final test divides the same count by the same length as
 * minhashSimilarity, and the early one tests the most the count can still become (a share only
 * grows with its count), so the answer is the same, in fewer comparisons for the many pairs that
 * are no copies.
 */
function nearDuplicateSignatures(a: readonly number[] | null, b: readonly number[] | null): boolean {
  if (!a || !b || a.length !== b.length || a.length === 0) return minhashSimilarity(a, b) >= NEAR_DUPLICATE_SIMILARITY;
  let same = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) same++;
    else if ((same + (a.length - i - 1)) / a.length < NEAR_DUPLICATE_SIMILARITY) return false;
  }
  return same / a.length >= NEAR_DUPLICATE_SIMILARITY;
}

/** Whether a pair `hoursApart` apart is a duplicate: the same content hash, or bodies of one script whose shingles agree (see the module comment). */
function isDuplicatePair(a: ClusterArticle, b: ClusterArticle, hoursApart: number): boolean {
  return hoursApart <= DUPLICATE_WINDOW_HOURS && (a.contentHash === b.contentHash || (a.script !== null && a.script === b.script && nearDuplicateSignatures(a.shingles, b.shingles)));
}

/**
 * The score of a pair that is no duplicate (a duplicate scores 1): 0 beyond WINDOW_HOURS, where
 * nothing else is compared. The one place the score's terms are added, for choosing the best
 * candidate (clusterBatch, without allocating) and for explaining the choice (scorePair).
 */
function linkScore(a: ClusterArticle, b: ClusterArticle, hoursApart: number): number {
  if (hoursApart > WINDOW_HOURS) return 0;
  const textSimilarity = a.script !== null && a.script === b.script ? minhashSimilarity(a.words, b.words) : 0;
  const people = sharedCount(a.peopleIds, b.peopleIds);
  const credit = a.citedSourceIds.includes(b.sourceId) || b.citedSourceIds.includes(a.sourceId);
  const score =
    (people >= 2 ? 0.5 : people === 1 ? 0.2 : 0) +
    (credit ? 0.1 : 0) +
    Math.min(0.5, Math.max(0, (textSimilarity - 0.1) * 2)) +
    0.1 * (1 - hoursApart / WINDOW_HOURS);
  return round(score);
}

/**
 * A pair's score and whether it is a duplicate, without the lists that explain it (scorePair adds
 * the lists, for the pair chosen).
 */
function scoreOf(a: ClusterArticle, b: ClusterArticle): { score: number; duplicate: boolean; hoursApart: number; textSimilarity: number } {
  const hoursApart = hoursBetween(a, b);
  const duplicate = isDuplicatePair(a, b, hoursApart);
  const textSimilarity = a.script !== null && a.script === b.script ? minhashSimilarity(a.words, b.words) : 0;
  return { score: duplicate ? 1 : linkScore(a, b, hoursApart), duplicate, hoursApart, textSimilarity };
}

export function scorePair(a: ClusterArticle, b: ClusterArticle): PairScore {
  const { score, duplicate, hoursApart, textSimilarity } = scoreOf(a, b);
  const people = new Set(b.peopleIds);
  const sharedPeople = [...new Set(a.peopleIds)].filter((id) => people.has(id)).sort();
  const cited = new Set(b.citedSourceIds);
  const sharedSources = [...new Set(a.citedSourceIds)].filter((id) => cited.has(id));
  if (a.citedSourceIds.includes(b.sourceId)) sharedSources.push(b.sourceId);
  if (b.citedSourceIds.includes(a.sourceId)) sharedSources.push(a.sourceId);
  const outlets = [...new Set(sharedSources)].sort();
  return { score, duplicate, sharedPeople, sharedSources: outlets, textSimilarity: round(textSimilarity), hoursApart: round(hoursApart, 2) };
}

/** Earlier published first, then the smaller URL: the tie-break of every choice here. */
function earlier(a: ClusterArticle, b: ClusterArticle): number {
  return a.publishedAt.getTime() - b.publishedAt.getTime() || (a.url < b.url ? -1 : a.url > b.url ? 1 : 0);
}

/** A story as the batch leaves it: new, or stored and joined by some of the batch. */
interface StoryChange {
  id: string;
  isNew: boolean;
  /** The earliest of its articles this batch adds (title and summary come from a story's earliest article). */
  earliest: ClusterArticle;
  lastPublishedAt: Date;
  added: number;
}

/** An article's cluster row as the batch writes it (new articles, and stored ones that had none). */
interface ClusterRow {
  article: ClusterArticle;
  storyId: string;
  canonicalId: string | null;
  reason: StoryReason | null;
}

export interface ClusterDecision {
  rows: ClusterRow[];
  stories: StoryChange[];
  /** Stored duplicate groups whose canonical copy changed: every member re-pointed from `from` to `to`. */
  canonicalMoves: Array<{ from: string; to: string }>;
}

/**
 * Decides the batch: `articles` in store order (new ones only), `candidates` as the lookup read
 * them (stored articles, with their story and canonical copy). `newId` makes story ids (random
 * by default; tests may pass a counter).
 */
export function clusterBatch(articles: readonly ClusterArticle[], candidates: readonly StoredCandidate[], newId: () => string = randomUUID): ClusterDecision {
  const known = new Map<string, StoredCandidate>(candidates.map((candidate) => [candidate.id, { ...candidate }]));
  const rows = new Map<string, ClusterRow>();
  const stories = new Map<string, StoryChange>();
  const moves: Array<{ from: string; to: string }> = [];
  const storedIds = new Set(candidates.map((candidate) => candidate.id));
  const batchIds = new Set(articles.map((article) => article.id));

  const joinStory = (storyId: string, isNew: boolean, article: ClusterArticle) => {
    const change = stories.get(storyId);
    if (!change) stories.set(storyId, { id: storyId, isNew, earliest: article, lastPublishedAt: article.publishedAt, added: 1 });
    else {
      change.added++;
      if (earlier(article, change.earliest) < 0) change.earliest = article;
      if (article.publishedAt > change.lastPublishedAt) change.lastPublishedAt = article.publishedAt;
    }
  };

  // Every article known so far (candidates, then the batch's articles as they are decided) in
  // `earlier` order, so that equal scores resolve the same way every time.
  const ordered = [...known.values()].sort(earlier);
  for (const article of articles) {
    let best: { candidate: StoredCandidate; score: number } | null = null;
    let duplicateOf: StoredCandidate | null = null;
    // Every article is scored against every one known, the hot loop of clustering: a pair costs
    // no allocation (scorePair's lists are made for the chosen pair only), and pairs further
    // apart than any link (DUPLICATE_WINDOW_HOURS) are passed over without comparing anything.
    const at = article.publishedAt.getTime();
    for (const candidate of ordered) {
      if (candidate.id === article.id) continue;
      const hoursApart = Math.abs(at - candidate.publishedAt.getTime()) / 3_600_000;
      if (hoursApart > DUPLICATE_WINDOW_HOURS) continue;
      const duplicate = isDuplicatePair(article, candidate, hoursApart);
      const score = duplicate ? 1 : linkScore(article, candidate, hoursApart);
      if (duplicate && !duplicateOf) duplicateOf = candidate;
      if (score >= LINK_THRESHOLD && (!best || score > best.score)) best = { candidate, score };
    }

    let storyId: string;
    let reason: StoryReason;
    if (best) {
      const target = best.candidate;
      if (target.storyId) storyId = target.storyId;
      else {
        // A stored article from before clustering, found again: the story starts with it.
        storyId = newId();
        target.storyId = storyId;
        joinStory(storyId, true, target);
        rows.set(target.id, { article: target, storyId, canonicalId: target.canonicalId, reason: { linkedTo: null, score: 0, duplicate: false, sharedPeople: [], sharedSources: [], textSimilarity: 0, hoursApart: null } });
      }
      // Not yet among the batch's stories: a stored one.
      joinStory(storyId, false, article);
      reason = { linkedTo: target.id, ...scorePair(article, target) };
    } else {
      storyId = newId();
      joinStory(storyId, true, article);
      reason = { linkedTo: null, score: 0, duplicate: false, sharedPeople: [], sharedSources: [], textSimilarity: 0, hoursApart: null };
    }

    let canonicalId: string | null = null;
    if (duplicateOf) {
      const groupId = duplicateOf.canonicalId ?? duplicateOf.id;
      const group = known.get(groupId) ?? null;
      const original = group && isOriginal(article, group);
      if (original) {
        // The new copy is the group's canonical one: the others point to it.
        for (const member of known.values()) if (member.id === groupId || member.canonicalId === groupId) setCanonical(member, article.id);
        if (storedIds.has(groupId)) moves.push({ from: groupId, to: article.id });
      } else canonicalId = groupId;
    }

    // Object.assign, not a spread followed by properties: the same object, but V8 (Node 20) made a
    // spread with more properties after it a slow path, microseconds per article.
    const self: StoredCandidate = Object.assign({}, article, { storyId, canonicalId });
    const replaced = known.get(article.id);
    if (replaced) ordered.splice(ordered.indexOf(replaced), 1);
    known.set(article.id, self);
    ordered.splice(insertionPoint(ordered, self), 0, self);
    rows.set(article.id, { article, storyId, canonicalId, reason });
  }
  return { rows: [...rows.values()], stories: [...stories.values()], canonicalMoves: moves };

  function setCanonical(member: StoredCandidate, to: string) {
    member.canonicalId = member.id === to ? null : to;
    const row = rows.get(member.id);
    if (row) row.canonicalId = member.canonicalId;
    // Stored rows are re-pointed by the group's move; the batch's are written with their new value.
    else if (batchIds.has(member.id)) rows.set(member.id, { article: member, storyId: member.storyId!, canonicalId: member.canonicalId, reason: null });
  }
}

/** Where `article` goes in `ordered` (sorted by `earlier`): after every article not later than it. */
function insertionPoint(ordered: readonly ClusterArticle[], article: ClusterArticle): number {
  let low = 0;
  let high = ordered.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (earlier(ordered[middle]!, article) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Whether a new copy takes the place of a group's canonical copy: it is the original publisher's
 * (the canonical one credits its outlet, and it does not credit the canonical's), or neither
 * credits the other and it was published earlier.
 */
function isOriginal(article: ClusterArticle, canonical: ClusterArticle): boolean {
  const creditsCanonical = article.citedSourceIds.includes(canonical.sourceId);
  const creditedByCanonical = canonical.citedSourceIds.includes(article.sourceId);
  if (creditsCanonical !== creditedByCanonical) return creditedByCanonical;
  return earlier(article, canonical) < 0;
}
