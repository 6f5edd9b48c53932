// The embed builder's snippets: what an editor pastes must be exactly the markup the loader reads,
// with any value quoted safely (a thread key is free text).
import { expect } from '@open-wc/testing';
import { divSnippet, elementSnippet, pageCss, siteScript, type EmbedChoice } from '../../src/admin/snippets.ts';

const choice = (c: Partial<EmbedChoice>): EmbedChoice => ({ widget: 'poll', target: '', lang: '', theme: '', accent: '', height: '', category: '', status: '', ...c });

describe('embed snippets', () => {
  it('poll: element, div and site script', () => {
    const c = choice({ target: 'bike-lanes', lang: 'nl', theme: 'auto' });
    expect(elementSnippet(c)).to.equal('<civic-poll poll="bike-lanes" lang="nl" theme="auto"></civic-poll>');
    expect(divSnippet(c)).to.equal('<div data-civic="poll" data-poll="bike-lanes" data-lang="nl" data-theme="auto"></div>');
    expect(siteScript('https://civic.riverton.example')).to.equal('<script type="module" src="https://civic.riverton.example/civic.js"></script>');
  });

  it('quotes free text so it cannot leave its attribute', () => {
    const c = choice({ widget: 'comments', target: 'a" onmouseover="alert(1)<b>&' });
    expect(divSnippet(c)).to.equal('<div data-civic="comments" data-thread="a&quot; onmouseover=&quot;alert(1)&lt;b&gt;&amp;"></div>');
    // Parsed back, the attribute holds exactly the key and there is no other attribute.
    const div = document.createElement('template');
    div.innerHTML = divSnippet(c);
    const el = div.content.firstElementChild as HTMLElement;
    expect(el.getAttributeNames()).to.deep.equal(['data-civic', 'data-thread']);
    expect(el.dataset.thread).to.equal('a" onmouseover="alert(1)<b>&');
  });

  it('project map: filters and height; page CSS reserves that height and sets the accent colour', () => {
    const c = choice({ widget: 'project-map', category: 'roadworks,detour', status: 'in_progress', height: '40rem', accent: '#aa3300' });
    expect(divSnippet(c)).to.equal('<div data-civic="project-map" data-category="roadworks,detour" data-status="in_progress" data-height="40rem"></div>');
    expect(pageCss(c)).to.equal(
      'civic-project-map:not(:defined), [data-civic="project-map"]:empty { display: block; min-block-size: 40rem; }\ncivic-project-map { --civic-color-accent: #aa3300; }',
    );
    // One project to open: its id as the `project` attribute.
    expect(elementSnippet(choice({ widget: 'project-map', target: 'mill-lane' }))).to.equal('<civic-project-map project="mill-lane"></civic-project-map>');
  });

  it('drops values that are not a colour or a length instead of writing them into CSS', () => {
    const c = choice({ widget: 'project-map', height: '40rem; background:url(x)', accent: 'red;}body{display:none' });
    expect(pageCss(c)).to.equal('civic-project-map:not(:defined), [data-civic="project-map"]:empty { display: block; min-block-size: 32rem; }');
    expect(divSnippet(c)).to.equal('<div data-civic="project-map"></div>');
  });
});
