import { FeedParseError } from './errors';
import { declaredEntities, html4Entity, resolveReferences, scanProlog } from './xml-prolog';

function code(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FeedParseError);
    return (error as FeedParseError).code;
  }
  return 'no error';
}

describe('scanProlog', () => {
  it('finds the root after declarations, comments and the DOCTYPE', () => {
    const text = '<?xml version="1.0"?>\n<!-- c --><!DOCTYPE rss [<!ENTITY a "b">]>\n<rss/>';
    const prolog = scanProlog(text);
    expect(text.slice(prolog.rootStart)).toBe('<rss/>');
    expect(text.slice(prolog.doctype!.start, prolog.doctype!.end)).toBe('<!DOCTYPE rss [<!ENTITY a "b">]>');
    expect(prolog.doctype!.internalSubset).toContain('<!ENTITY a "b">');
    expect(prolog.misplacedDeclarations).toEqual([]);
  });

  it('reports an XML declaration that is not first, and refuses two DOCTYPEs or an unterminated comment', () => {
    const text = ' <?xml version="1.0"?><r/>';
    expect(scanProlog(text).misplacedDeclarations).toEqual([{ start: 1, end: 22 }]);
    expect(code(() => scanProlog('<!DOCTYPE a><!DOCTYPE b><a/>'))).toBe('MALFORMED');
    expect(code(() => scanProlog('<!-- never closed <r/>'))).toBe('MALFORMED');
  });
});

describe('declaredEntities', () => {
  it('keeps flat entities, escaped as text, the first declaration winning', () => {
    const entities = declaredEntities('<!ENTITY a "A &amp; <b>"><!ENTITY a "second"><!ENTITY % p "ignored"><!ENTITY c "&#x41;">');
    expect(entities).toEqual(new Map([['a', 'A &amp; &lt;b&gt;'], ['c', 'A']]));
  });

  it('refuses external and nested entities', () => {
    expect(code(() => declaredEntities('<!ENTITY x SYSTEM "file:///etc/passwd">'))).toBe('FORBIDDEN_DTD');
    expect(code(() => declaredEntities('<!ENTITY a "x"><!ENTITY b "&a;&a;">'))).toBe('FORBIDDEN_DTD');
  });
});

describe('resolveReferences', () => {
  it('resolves references outside CDATA and comments, escapes bare ampersands and keeps unknown entities visible', () => {
    const entities = new Map([['me', 'Eve']]);
    expect(resolveReferences('<r>AT&T &me; &#x41; &eacute; &nope; &lt;<![CDATA[&me;]]><!-- &me; --></r>', entities)).toBe(
      '<r>AT&amp;T Eve A é &amp;nope; &lt;<![CDATA[&me;]]><!-- &me; --></r>',
    );
  });

  it('caps what declared entities expand to', () => {
    const entities = new Map([['big', 'x'.repeat(4096)]]);
    expect(code(() => resolveReferences('&big;'.repeat(300), entities))).toBe('FORBIDDEN_DTD');
  });

  it('reads HTML 4 entity names', () => {
    expect(html4Entity('nbsp')).toBe('\u00A0');
    expect(html4Entity('nope')).toBeUndefined();
  });
});
