import { hasBidiControls, stripBidiControls } from './bidi';
import { normalizeLine, normalizeOptionalLine } from './normalize';

const LRE = '\u202A';
const RLE = '\u202B';
const PDF = '\u202C';
const LRO = '\u202D';
const RLO = '\u202E';
const LRI = '\u2066';
const RLI = '\u2067';
const FSI = '\u2068';
const PDI = '\u2069';
const LRM = '\u200E';
const RLM = '\u200F';
const ALM = '\u061C';

describe('bidi controls in one-line text', () => {
  it('removes every embedding, override and isolate control', () => {
    const all = [LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI];
    expect(stripBidiControls(`a${all.join('')}b`)).toBe('ab');
    for (const control of all) expect(hasBidiControls(`x${control}`)).toBe(true);
  });

  it('undoes the Trojan Source trick: what is stored reads as what is shown', () => {
    // Shown as "Invoice: fdp.exe" in a browser, stored as an .exe name with a reversed tail.
    const spoofed = `Invoice: ${RLO}exe.pdf${PDF}`;
    expect(normalizeLine(spoofed)).toBe('Invoice: exe.pdf');
  });

  it('keeps Arabic and Hebrew text, and the LRM, RLM and ALM marks, exactly', () => {
    const arabic = 'الرئيس بوتين يلتقي نظيره التركي في أنقرة';
    const hebrew = 'ראש הממשלה נפגש עם נשיא צרפת';
    const withMarks = `قال بوتين: «السلام ممكن»${RLM}. العدد 2025${LRM} و${ALM}-5`;
    expect(normalizeLine(arabic)).toBe(arabic);
    expect(normalizeLine(hebrew)).toBe(hebrew);
    expect(normalizeLine(withMarks)).toBe(withMarks);
    expect(hasBidiControls(withMarks)).toBe(false);
  });

  it('keeps the Arabic words around a stripped override, joined as they were written', () => {
    expect(normalizeLine(`${RLI}بوتين${PDI} في ${LRE}Ankara${PDF} اليوم`)).toBe('بوتين في Ankara اليوم');
    // An override between two spaces leaves one space, not two.
    expect(normalizeLine(`أنقرة ${RLO} اليوم`)).toBe('أنقرة اليوم');
  });

  it('keeps ZWNJ and ZWJ inside Persian and Bengali words', () => {
    expect(normalizeLine('می\u200Cخواهم')).toBe('می\u200Cخواهم');
    expect(normalizeLine('র\u200D্য')).toBe('র\u200D্য');
  });

  it('is still NFC and whitespace-folded, and null when only controls were there', () => {
    // Precomposed ড় (U+09DC) decomposes under NFC, as every stored text does (normalize.ts).
    expect(normalizeLine(` ব\u09DC${RLO}  খবর `)).toBe('বড\u09BC খবর');
    expect(normalizeOptionalLine(`${RLO}${PDF} `)).toBeNull();
    expect(normalizeOptionalLine(undefined)).toBeNull();
  });
});
