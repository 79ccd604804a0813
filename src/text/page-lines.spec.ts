import { isBylineShaped, isPageFurniture, labelKey } from './page-lines';

describe('page lines', () => {
  it('compares labels in search form without surrounding punctuation', () => {
    expect(labelKey('  Share this news on: ')).toBe(labelKey('share this news on'));
    expect(labelKey('«সর্বশেষ»')).toBe(labelKey('সর্বশেষ'));
  });

  it('knows page furniture in several languages, whatever its case and punctuation', () => {
    for (const line of ['Share this news on:', 'SHARE', 'শেয়ার করুন', 'شارك الخبر', '分享到', 'Teilen.']) {
      expect(isPageFurniture(line)).toBe(true);
    }
    for (const line of ['Share prices fell on Monday.', 'শেয়ারবাজারে দরপতন', '']) {
      expect(isPageFurniture(line)).toBe(false);
    }
  });

  it('takes initials joined by slashes as a sign-off, in any script', () => {
    for (const line of ['এসএস/এসএন', 'AB/CD', 'A.B. / C.D.', 'ab/cd/ef']) expect(isBylineShaped(line)).toBe(true);
    for (const line of ['AB', 'Jane Doe', 'এসএস/এসএন বলেন, এটি একটি বাক্য', 'and/or a sentence', `${'A'.repeat(13)}/B`]) {
      expect(isBylineShaped(line)).toBe(false);
    }
  });
});
