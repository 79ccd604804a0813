import { bylineNames, isCreatablePersonName, isInitialsByline } from './byline';

describe('bylines', () => {
  it('keeps initials-only bylines as text naming nobody', () => {
    expect(isInitialsByline('এসএস/এসএন')).toBe(true);
    expect(bylineNames('এসএস/এসএন')).toEqual([]);
    expect(bylineNames('AB/CD')).toEqual([]);
  });

  it('splits several people and drops lead-ins, roles in brackets and addresses', () => {
    expect(bylineNames('By Jane Doe and John Roe')).toEqual(['Jane Doe', 'John Roe']);
    expect(bylineNames('Jane Doe (Reuters), jane@example.com')).toEqual(['Jane Doe']);
    expect(bylineNames('লিখেছেন: রহিম উদ্দিন ও করিম হোসেন')).toEqual(['রহিম উদ্দিন', 'করিম হোসেন']);
  });

  it('creates people only from clear personal names', () => {
    expect(isCreatablePersonName('Jane Doe')).toBe(true);
    expect(isCreatablePersonName('রহিম উদ্দিন')).toBe(true);
    expect(isCreatablePersonName('Admin')).toBe(false);
    expect(isCreatablePersonName('Staff Reporter')).toBe(false);
    expect(isCreatablePersonName('নিজস্ব প্রতিবেদক')).toBe(false);
    expect(isCreatablePersonName('J. R.')).toBe(false);
    expect(isCreatablePersonName('Agent 007')).toBe(false);
  });
});
