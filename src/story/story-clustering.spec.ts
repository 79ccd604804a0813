import { fingerprintText } from '../text/fingerprint';
import { clusterBatch, LINK_THRESHOLD, scorePair, type ClusterArticle } from './story-clustering';

let n = 0;
function article(over: Partial<ClusterArticle> & { text: string[]; hours: number }): ClusterArticle {
  const fingerprint = fingerprintText(over.title ?? 'Title', over.text);
  n++;
  return {
    id: over.id ?? `a${n}`,
    url: over.url ?? `https://example.test/${n}`,
    sourceId: over.sourceId ?? 'outlet',
    title: over.title ?? 'Title',
    summary: null,
    publishedAt: new Date(Date.UTC(2026, 2, 2) + over.hours * 3_600_000),
    contentHash: over.contentHash ?? `hash${n}`,
    peopleIds: over.peopleIds ?? [],
    citedSourceIds: over.citedSourceIds ?? [],
    shingles: fingerprint.shingles,
    words: fingerprint.words,
    script: fingerprint.script,
  };
}

const MEETING = ['Amina Rahman and Viktor Halvorsen signed a fisheries agreement in Chattogram on Monday, opening investment to coastal cooperatives.'];
const MEETING_BN = ['আমিনা রহমান ও ভিক্টর হালভরসেন সোমবার চট্টগ্রামে মৎস্য চুক্তিতে সই করেছেন।'];

describe('story clustering', () => {
  it('ties reports in two scripts through the two people they name, within the window only', () => {
    const en = article({ text: MEETING, hours: 0, peopleIds: ['rahman', 'halvorsen'] });
    const bn = article({ text: MEETING_BN, hours: 5, peopleIds: ['rahman', 'halvorsen'] });
    const weekLater = article({ text: ['Halvorsen telephoned Rahman after a ferry capsized on the Meghna river near Chandpur.'], hours: 170, peopleIds: ['rahman', 'halvorsen'] });
    const pair = scorePair(en, bn);
    expect(pair.score).toBeGreaterThanOrEqual(LINK_THRESHOLD);
    expect(pair.sharedPeople).toEqual(['halvorsen', 'rahman']);
    expect(pair.textSimilarity).toBe(0);
    expect(scorePair(en, weekLater).score).toBe(0);
  });

  it('does not tie two reports that share one name and nothing else', () => {
    const a = article({ title: 'Fisheries agreement signed', text: MEETING, hours: 0, peopleIds: ['rahman', 'halvorsen'] });
    const b = article({ title: 'Second metro line opens', text: ['Amina Rahman opened the second metro line in Dhaka, linking Gabtoli with the airport.'], hours: 4, peopleIds: ['rahman', 'chowdhury'] });
    expect(scorePair(a, b).score).toBeLessThan(LINK_THRESHOLD);
  });

  it('is deterministic, and picks the credited original as the canonical copy', () => {
    const copy = article({ id: 'copy', text: [...MEETING, 'This story was first published by Global Wire.'], hours: -1, sourceId: 'ledger', citedSourceIds: ['wire'] });
    const wire = article({ id: 'wire', text: MEETING, hours: 0, sourceId: 'wire' });
    let ids = 0;
    const first = clusterBatch([copy, wire], [], () => `s${++ids}`);
    ids = 0;
    const again = clusterBatch([copy, wire], [], () => `s${++ids}`);
    expect(again).toEqual(first);
    const rows = new Map(first.rows.map((row) => [row.article.id, row]));
    expect(rows.get('copy')!.canonicalId).toBe('wire');
    expect(rows.get('wire')!.canonicalId).toBeNull();
    expect(rows.get('wire')!.storyId).toBe(rows.get('copy')!.storyId);
    expect(first.stories).toHaveLength(1);
  });

  it('calls two bodies copies from 60% of equal shingle values, wherever the unequal ones are', () => {
    // 29 of 48 values is the least that reaches NEAR_DUPLICATE_SIMILARITY (0.6); 28 is not a copy.
    const signature = Array.from({ length: 48 }, (_, i) => i + 1);
    const differing = (count: number, atStart: boolean) => signature.map((value, i) => ((atStart ? i < count : i >= 48 - count) ? -value : value));
    const stored = { ...article({ text: MEETING, hours: 0 }), shingles: signature, words: [1], storyId: 'story', canonicalId: null };
    for (const atStart of [true, false]) {
      for (const [unequal, duplicate] of [[19, true], [20, false]] as const) {
        const copy = { ...article({ text: MEETING, hours: 100 }), shingles: differing(unequal, atStart), words: [2] };
        expect([atStart, unequal, scorePair(copy, stored).duplicate]).toEqual([atStart, unequal, duplicate]);
        const decision = clusterBatch([copy], [stored], () => 'new');
        expect(decision.rows[0]!.canonicalId).toBe(duplicate ? stored.id : null);
      }
    }
  });
});
