// The consultation card in Chromium against the real backend: every state passes axe.
import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/widgets/consultation/define.ts';
import type { CivicAnswerEvent, CivicConsultation } from '../../src/widgets/consultation/civic-consultation.ts';
import type { ConsultationView } from '../../src/widgets/consultation/consultation.types.ts';
import type { ConsultationRecord } from '../../src/widgets/consultation/record.ts';
import { adminFetch, escapedErrors, testApi, unreachableApi } from './support.ts';

let site: string;
/** A site of its own for targeting: consultations other tests create must not compete. */
let quietSite: string;
const newSite = async (name: string) =>
  (await adminFetch<{ id: string }>('/v1/admin/sites', { method: 'POST', body: JSON.stringify({ name, origins: [location.origin] }) })).id;

// Anything the widget lets escape into the page fails the suite.
const escaped = escapedErrors();
before(async () => {
  site = await newSite('Consultation tests');
  quietSite = await newSite('Consultation targeting tests');
});

beforeEach(() => localStorage.clear());

async function create(fields: Record<string, unknown> = {}) {
  const body = { siteId: site, type: 'yes-no', question: 'Should the market move to the square?', resultsVisibility: 'always', ...fields };
  return adminFetch<ConsultationView>('/v1/admin/consultations', { method: 'POST', body: JSON.stringify(body) });
}
const outcome = (id: string, fields: Record<string, unknown> = {}) =>
  adminFetch(`/v1/admin/consultations/${id}/outcome`, {
    method: 'PUT',
    body: JSON.stringify({ status: 'decided', text: 'The market moves in May.', date: '2026-03-12', link: 'https://riverton.example/market', ...fields }),
  });

const $ = (el: Element, sel: string) => el.shadowRoot!.querySelector<HTMLElement>(sel);
const $$ = (el: Element, sel: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(sel)];
const text = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
const focused = (el: Element) => el.shadowRoot!.activeElement as HTMLElement | null;
const rem = () => parseFloat(getComputedStyle(document.documentElement).fontSize);
const record = (siteId = site) => JSON.parse(localStorage.getItem(`civic-widgets.consultations.${siteId}`) ?? '{}') as ConsultationRecord;
const seed = (r: ConsultationRecord, siteId = site) => localStorage.setItem(`civic-widgets.consultations.${siteId}`, JSON.stringify(r));

interface Attrs {
  id?: string;
  api?: string;
  lang?: string;
  section?: string;
  site?: string;
}

/** Mounts a card in a 320 px column and waits until it left the skeleton (content, error or nothing). */
async function mount(a: Attrs) {
  const column = await fixture<HTMLElement>(html`<div style="inline-size: 320px"></div>`);
  const el = document.createElement('civic-consultation');
  el.api = a.api ?? testApi();
  el.lang = a.lang ?? 'en';
  if (a.id) el.consultation = a.id;
  if (a.section) el.section = a.section;
  if (a.site) el.site = a.site;
  column.append(el);
  await waitUntil(() => $(el, '[part=base]') && !$(el, '.skeleton'), 'the card never left its loading state', { timeout: 4000 });
  await el.updateComplete;
  return el;
}

/** Taps the option with this label and waits for the server to store it. */
async function tap(el: CivicConsultation, label: string) {
  const option = $$(el, '[part=option]').find((l) => l.textContent!.replace(/\s+/g, ' ').includes(label));
  expect(option, `no option "${label}" in ${el.hidden ? "(hidden) " : ""}${text(el)} ${JSON.stringify(localStorage)}`).to.exist;
  const stored = oneEvent(el, 'civic-answer') as Promise<CivicAnswerEvent>;
  option!.querySelector('input')!.click();
  const event = await stored;
  await el.updateComplete;
  return event;
}

const rows = (el: Element) => $$(el, '[part=result]').map((r) => r.textContent!.replace(/\s+/g, ' ').trim());
const fitsColumn = (el: Element) => {
  const base = $(el, '[part=base]')!;
  expect(base.scrollWidth, 'wider than a 320 px column').to.be.at.most(base.clientWidth);
};

async function type(area: HTMLTextAreaElement, value: string) {
  area.value = value;
  area.dispatchEvent(new InputEvent('input'));
}

describe('civic-consultation', () => {
  it('reserves the question’s height with an accessible skeleton, as the loader does', async () => {
    const { id } = await create();
    const el = document.createElement('civic-consultation');
    el.api = testApi();
    el.consultation = id;
    const column = await fixture<HTMLElement>(html`<div style="inline-size: 320px"></div>`);
    column.append(el);
    await el.updateComplete;
    const skeleton = $(el, '.skeleton')!;
    expect(skeleton.getAttribute('role')).to.equal('status');
    expect(el.getBoundingClientRect().height).to.equal(16 * rem());
    await expect(el).to.be.accessible();
    // The yes/no question takes exactly that space: the article does not move when it arrives.
    await waitUntil(() => $(el, 'fieldset'), 'the question never showed');
    expect(el.getBoundingClientRect().height).to.equal(16 * rem());
  });

  it('keeps the common question types at the reserved height in a 320 px column', async () => {
    for (const fields of [{ notSure: true }, { type: 'scale' }, { type: 'emoji' }]) {
      const { id } = await create(fields);
      const el = await mount({ id });
      expect(el.getBoundingClientRect().height, fields.type ?? 'yes-no').to.equal(16 * rem());
      fitsColumn(el);
    }
  });

  it('asks yes/no (and not sure) as a radio group in a fieldset, with a privacy line and Not now', async () => {
    const { id } = await create({ notSure: true, description: 'The council wants to hear from you.' });
    const el = await mount({ id });
    const legend = $(el, 'fieldset > legend')!;
    expect(legend.textContent).to.equal('Should the market move to the square?');
    expect(legend.getAttribute('part')).to.equal('question');
    const radios = $$(el, 'input[type=radio]') as HTMLInputElement[];
    expect(radios.map((r) => r.value)).to.deep.equal(['yes', 'no', 'not-sure']);
    expect(new Set(radios.map((r) => r.name)).size).to.equal(1);
    expect($$(el, '[part=option]').map((l) => l.textContent!.trim())).to.deep.equal(['Yes', 'No', 'Not sure']);
    const described = $(el, 'fieldset')!.getAttribute('aria-describedby')!.split(' ');
    expect(described.map((id) => $(el, `#${id}`)!.textContent)).to.deep.equal(['The council wants to hear from you.', 'Choosing an answer sends it.']);
    expect(text(el)).to.contain('No name, no cookies.');
    expect($(el, '[part=dismiss]')!.textContent!.trim()).to.equal('Not now');
    expect(localStorage.length, 'nothing is written before the resident takes part').to.equal(0);
    fitsColumn(el);
    await expect(el).to.be.accessible();
  });

  it('sends one tap, moves focus to the thank-you, shows results and next steps, and remembers it', async () => {
    const { id } = await create({ nextSteps: 'The council decides in March.' });
    const el = await mount({ id });
    const event = await tap(el, 'No');
    expect(event.consultation).to.equal(id);
    expect(event.response.answer).to.equal('no');
    expect(event.bubbles && event.composed).to.equal(true);
    await waitUntil(() => focused(el)?.getAttribute('part') === 'thanks', 'focus did not move to the thank-you');
    expect(focused(el)!.textContent).to.equal('Thank you, your answer was saved.');
    expect(rows(el)).to.deep.equal(['Yes 0% · 0 answers', 'No (your answer) 100% · 1 answer']);
    expect($$(el, '.bars rect').map((r) => r.getAttribute('width'))).to.deep.equal(['0%', '100%']);
    expect(text(el)).to.contain('1 person answered');
    expect(text(el)).to.contain('What happens next: The council decides in March.');
    expect(localStorage.getItem(`civic.participant@${testApi()}/`), 'the token is kept once the resident answered').to.match(/^v2\./);
    expect(record().quietUntil).to.be.above(Date.now() + 29 * 864e5);
    fitsColumn(el);
    await expect(el).to.be.accessible();

    el.remove();
    const again = await mount({ id });
    expect($(again, 'form')).to.equal(null);
    expect(text(again)).to.contain('Your answer: No');
    expect($(again, '[part=change]')).to.exist;
  });

  it('asks on an agreement scale labelled at both ends and the middle', async () => {
    const { id } = await create({ type: 'scale', question: 'The new bus lines serve my street well.' });
    const el = await mount({ id });
    const options = $$(el, '[part=option]');
    expect(options).to.have.length(5);
    // Each radio's name carries its end label; the visible labels under the scale are not read twice.
    expect(options.map((o) => o.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal([
      '1 (Strongly disagree)',
      '2',
      '3 (Neutral)',
      '4',
      '5 (Strongly agree)',
    ]);
    const ends = $(el, '.ends')!;
    expect(ends.getAttribute('aria-hidden')).to.equal('true');
    expect([...ends.children].map((c) => c.textContent)).to.deep.equal(['Strongly disagree', 'Neutral', 'Strongly agree']);
    fitsColumn(el);
    await expect(el).to.be.accessible();
    await tap(el, '4');
    expect(rows(el)[3]).to.equal('4 (your answer) 100% · 1 answer');
    expect(rows(el)[0]).to.equal('1 (Strongly disagree) 0% · 0 answers');
    await expect(el).to.be.accessible();
  });

  it('uses the staff’s own scale wording when given', async () => {
    const { id } = await create({ type: 'scale', scaleLabels: { low: 'Never', mid: 'Sometimes', high: 'Daily' } });
    const el = await mount({ id });
    expect([...$(el, '.ends')!.children].map((c) => c.textContent)).to.deep.equal(['Never', 'Sometimes', 'Daily']);
    expect($$(el, '[part=option]')[0].textContent!.replace(/\s+/g, ' ').trim()).to.equal('1 (Never)');
  });

  it('shows five faces, each with a visible text label, never faces alone', async () => {
    const { id } = await create({ type: 'emoji', question: 'How do you like the new library?' });
    const el = await mount({ id });
    const options = $$(el, '[part=option]');
    expect(options.map((o) => o.querySelector('.t')!.textContent)).to.deep.equal(['Very unhappy', 'Unhappy', 'Neutral', 'Happy', 'Very happy']);
    for (const o of options) {
      expect(o.querySelector('.face')!.getAttribute('aria-hidden')).to.equal('true');
      expect(o.querySelector('.t')!.getBoundingClientRect().width, 'the label is visible').to.be.above(0);
    }
    fitsColumn(el);
    await expect(el).to.be.accessible();
    await tap(el, 'Very happy');
    expect(rows(el)[4]).to.equal('Very happy (your answer) 100% · 1 answer');
    await expect(el).to.be.accessible();
  });

  it('asks a single choice among the staff’s options', async () => {
    const options = [
      { id: 'tram', label: 'A tram line' },
      { id: 'bus', label: 'More buses' },
      { id: 'bike', label: 'Bike lanes' },
    ];
    const { id } = await create({ type: 'choice', question: 'What should we build first?', options });
    const el = await mount({ id });
    expect(($$(el, 'input[type=radio]') as HTMLInputElement[]).map((i) => i.value)).to.deep.equal(['tram', 'bus', 'bike']);
    fitsColumn(el);
    await expect(el).to.be.accessible();
    const event = await tap(el, 'Bike lanes');
    expect(event.response.answer).to.equal('bike');
    expect(rows(el)).to.deep.equal(['A tram line 0% · 0 answers', 'More buses 0% · 0 answers', 'Bike lanes (your answer) 100% · 1 answer']);
    await expect(el).to.be.accessible();
  });

  it('takes a short text with a counter that is announced politely, near the limit only, and a send button', async () => {
    const { id } = await create({ type: 'text', question: 'What would make the park safer?', maxLength: 50 });
    const el = await mount({ id });
    const area = $(el, 'textarea') as HTMLTextAreaElement;
    expect(area.getAttribute('aria-labelledby')).to.equal('q');
    expect(area.maxLength).to.equal(50);
    const counter = $(el, `#${area.getAttribute('aria-describedby')}`)!;
    expect(counter.textContent).to.equal('50 characters left');
    const send = $(el, 'button.primary') as HTMLButtonElement;
    expect(send.disabled).to.equal(true);
    const live = $(el, '[role=status]')!;
    await type(area, 'More light');
    await el.updateComplete;
    expect(counter.textContent).to.equal('40 characters left');
    expect(counter.getAttribute('aria-live'), 'the visible counter is not a live region').to.equal(null);
    await aTimeout(1200);
    expect(live.textContent, 'far from the limit nothing is announced').to.equal('');
    await type(area, 'More light along the river path, and benches');
    await el.updateComplete;
    expect(live.textContent, 'not at every keystroke').to.equal('');
    await waitUntil(() => live.textContent === '6 characters left', 'the count near the limit was never announced', { timeout: 2000 });
    fitsColumn(el);
    await expect(el).to.be.accessible();
    const stored = oneEvent(el, 'civic-answer') as Promise<CivicAnswerEvent>;
    send.click();
    expect((await stored).response.answer).to.equal('More light along the river path, and benches');
    await waitUntil(() => focused(el)?.getAttribute('part') === 'thanks');
    // Free texts are for staff: the resident sees how many answered, not the texts.
    expect($(el, '.bars')).to.equal(null);
    expect(text(el)).to.contain('1 person answered');
    expect(text(el)).to.contain('Your answer: More light along the river path, and benches');
    await expect(el).to.be.accessible();
  });

  it('offers the optional why and area after the first answer, sent as a second answer', async () => {
    const areas = [
      { id: 'north', label: 'Northside' },
      { id: 'old-town', label: 'Old Town' },
    ];
    const { id } = await create({ followUp: 'Why do you say so?', areas });
    const el = await mount({ id });
    expect($(el, '[part=follow-up]'), 'not before the first answer').to.equal(null);
    await tap(el, 'Yes');
    const form = $(el, '[part=follow-up]')!;
    expect(form).to.exist;
    expect(el.shadowRoot!.querySelector('label[for=a]')!.textContent).to.equal('Your area (optional)');
    expect(($$(el, 'select option') as HTMLOptionElement[]).map((o) => o.textContent)).to.deep.equal(['Prefer not to say', 'Northside', 'Old Town']);
    expect(el.shadowRoot!.querySelector('label[for=w]')!.textContent).to.equal('Why do you say so? (optional)');
    expect(form.textContent).to.contain('No name, no cookies.');
    await expect(el).to.be.accessible();

    const select = $(el, 'select') as HTMLSelectElement;
    select.value = 'old-town';
    select.dispatchEvent(new Event('change'));
    await type($(el, '#w') as HTMLTextAreaElement, 'The square has room for stalls.');
    await el.updateComplete;
    const stored = oneEvent(el, 'civic-answer') as Promise<CivicAnswerEvent>;
    ($(el, '[part=follow-up] button.primary') as HTMLButtonElement).click();
    const { response } = await stored;
    expect(response).to.include({ answer: 'yes', followUp: 'The square has room for stalls.', area: 'old-town' });
    await waitUntil(() => focused(el)?.textContent === 'Thank you, your details were saved.', 'no thanks for the details');
    expect($(el, '[part=follow-up]')).to.equal(null);
    await expect(el).to.be.accessible();

    // Changing the answer later keeps the details already given.
    $(el, '[part=change]')!.click();
    await el.updateComplete;
    await tap(el, 'No');
    const { responses } = await adminFetch<{ responses: { answer: string; followUp: string; area: string; page: string }[] }>(
      `/v1/admin/consultations/${id}/responses`,
    );
    expect(responses).to.have.length(1);
    expect(responses[0]).to.include({ answer: 'no', followUp: 'The square has room for stalls.', area: 'old-town' });
    expect(responses[0].page).to.equal(location.origin + location.pathname);
  });

  it('lets a resident change the answer until the consultation closes, and cancel a change', async () => {
    const { id } = await create();
    const el = await mount({ id });
    await tap(el, 'Yes');
    $(el, '[part=change]')!.click();
    await el.updateComplete;
    await aTimeout(0);
    expect((focused(el) as HTMLInputElement).value, 'focus on the current answer').to.equal('yes');
    expect($(el, '[part=dismiss]')!.textContent!.trim()).to.equal('Cancel');
    $(el, '[part=dismiss]')!.click();
    await el.updateComplete;
    await aTimeout(0);
    expect(focused(el)?.getAttribute('part')).to.equal('change');
    $(el, '[part=change]')!.click();
    await el.updateComplete;
    await tap(el, 'No');
    expect(rows(el)).to.deep.equal(['Yes 0% · 0 answers', 'No (your answer) 100% · 1 answer']);
    await adminFetch(`/v1/admin/consultations/${id}/close`, { method: 'POST' });
    el.remove();
    const closed = await mount({ id });
    expect($(closed, '[part=change]'), 'no change once closed').to.equal(null);
  });

  it('moves through the options with arrow keys without sending; Enter or Space sends', async () => {
    const { id } = await create({ notSure: true });
    const el = await mount({ id });
    let sent = 0;
    el.addEventListener('civic-answer', () => sent++);
    ($$(el, 'input')[0] as HTMLInputElement).focus();
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    await aTimeout(300);
    expect(sent, 'arrow keys do not send').to.equal(0);
    expect((focused(el) as HTMLInputElement).value).to.equal('not-sure');
    const stored = oneEvent(el, 'civic-answer') as Promise<CivicAnswerEvent>;
    await sendKeys({ press: 'Enter' });
    expect((await stored).response.answer).to.equal('not-sure');
    await waitUntil(() => focused(el)?.getAttribute('part') === 'thanks');

    $(el, '[part=change]')!.click();
    await el.updateComplete;
    await aTimeout(0);
    await sendKeys({ press: 'ArrowUp' });
    const again = oneEvent(el, 'civic-answer') as Promise<CivicAnswerEvent>;
    await sendKeys({ press: 'Space' });
    expect((await again).response.answer).to.equal('no');
  });

  it('hides results until the resident answered, or until closing, as the consultation says', async () => {
    const after = await create({ resultsVisibility: 'after-answer' });
    const el = await mount({ id: after.id });
    await tap(el, 'Yes');
    expect($(el, '[part=results]'), 'shown after answering').to.exist;

    localStorage.clear(); // no quiet time between the cases
    const later = await create({ resultsVisibility: 'after-close' });
    const el2 = await mount({ id: later.id });
    await tap(el2, 'Yes');
    expect($(el2, '[part=results]')).to.equal(null);
    expect(text(el2)).to.contain('Results will be shown when the consultation closes.');
    await expect(el2).to.be.accessible();

    localStorage.clear();
    const staff = await create({ resultsVisibility: 'staff' });
    const el3 = await mount({ id: staff.id });
    await tap(el3, 'No');
    expect($(el3, '[part=results]')).to.equal(null);
    expect(text(el3)).not.to.contain('Results');
  });

  it('shows a closed consultation’s results and outcome instead of the question', async () => {
    const { id } = await create({ nextSteps: 'Works start in May.' });
    await adminFetch(`/v1/admin/consultations/${id}/close`, { method: 'POST' });
    await outcome(id, { status: 'implemented' });
    const el = await mount({ id });
    expect($(el, 'form')).to.equal(null);
    expect(text(el)).to.contain('This consultation is closed.');
    expect($(el, '[part=results]')).to.exist;
    const o = $(el, '[part=outcome]')!;
    expect(o.textContent!.replace(/\s+/g, ' ')).to.contain('You said, we did');
    expect(o.textContent).to.contain('Implemented');
    expect(o.textContent).to.contain('March 12, 2026');
    expect(o.textContent).to.contain('The market moves in May.');
    expect(o.querySelector('a')!.getAttribute('href')).to.equal('https://riverton.example/market');
    expect($(el, '.new'), 'not new for someone who never answered').to.equal(null);
    fitsColumn(el);
    await expect(el).to.be.accessible();
  });

  it('shows the outcome on an open card too', async () => {
    const { id } = await create();
    await outcome(id, { status: 'under-review', text: 'We are reading every answer.', link: null });
    const el = await mount({ id });
    expect($(el, 'fieldset')).to.exist;
    expect($(el, '[part=outcome]')!.textContent).to.contain('Under review');
    expect($(el, '[part=outcome] a')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('highlights and announces an outcome newer than what the resident saw, then not again', async () => {
    const { id } = await create();
    const first = await mount({ id });
    await tap(first, 'Yes');
    first.remove();
    await outcome(id);

    const el = await mount({ id });
    expect($(el, '[part=outcome] .new')!.textContent).to.equal('New');
    await waitUntil(() => $(el, '[role=status]')!.textContent!.includes('The market moves in May.'), 'the outcome was not announced');
    expect($(el, '[role=status]')!.textContent).to.equal('New: You said, we did. Decided. The market moves in May.');
    expect(record().seen![id]).to.be.a('string');
    await expect(el).to.be.accessible();
    el.remove();

    const seen = await mount({ id });
    expect($(seen, '[part=outcome]')).to.exist;
    expect($(seen, '.new')).to.equal(null);
    await aTimeout(600);
    expect($(seen, '[role=status]')!.textContent).to.equal('');
    seen.remove();

    await aTimeout(5);
    await outcome(id, { status: 'implemented', text: 'The market opened on the square.' });
    const updated = await mount({ id });
    expect($(updated, '.new'), 'an update is new again').to.exist;
  });

  it('passes axe in the dark theme, with a new outcome and its link', async () => {
    const { id } = await create({ type: 'choice', options: [{ id: 'a', label: 'Saturday' }, { id: 'b', label: 'Sunday' }] });
    const first = await mount({ id });
    await tap(first, 'Sunday');
    first.remove();
    await outcome(id);
    const el = await mount({ id });
    el.theme = 'dark';
    await el.updateComplete;
    expect(getComputedStyle(el).colorScheme).to.equal('dark');
    expect($(el, '.new')).to.exist;
    await expect(el).to.be.accessible();
    $(el, '[part=change]')!.click();
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('hides on Not now, and asks nothing new for capDays', async () => {
    const { id } = await create({ capDays: 7 });
    const el = await mount({ id });
    $(el, '[part=dismiss]')!.click();
    await el.updateComplete;
    expect(el.hidden).to.equal(true);
    expect(el.getBoundingClientRect().height).to.equal(0);
    const r = record();
    expect(r.dismissed).to.deep.equal([id]);
    expect(r.quietUntil).to.be.closeTo(Date.now() + 7 * 864e5, 60_000);
    el.remove();

    expect((await mount({ id })).hidden, 'a dismissed consultation stays dismissed').to.equal(true);
    const other = await create();
    expect((await mount({ id: other.id })).hidden, 'quiet: no new question').to.equal(true);

    // Quiet over: a new question is asked again, the dismissed one still is not.
    seed({ ...record(), quietUntil: Date.now() - 1000 });
    expect((await mount({ id: other.id })).hidden).to.equal(false);
    expect((await mount({ id })).hidden).to.equal(true);
  });

  it('after an answer, asks nothing new for capDays but still shows answered cards', async () => {
    const a = await create({ capDays: 30 });
    const b = await create();
    const el = await mount({ id: a.id });
    await tap(el, 'Yes');
    const next = await mount({ id: b.id });
    expect(next.hidden).to.equal(true);
    const answered = await mount({ id: a.id });
    expect(answered.hidden).to.equal(false);
    expect(text(answered)).to.contain('Your answer: Yes');
    await expect(answered).to.be.accessible();

    localStorage.clear();
    const none = await create({ capDays: 0 });
    const el2 = await mount({ id: none.id });
    await tap(el2, 'No');
    expect((await mount({ id: b.id })).hidden, 'capDays 0: no quiet time').to.equal(false);
  });

  it('samples 1 in N visitors with one draw per consultation, kept on the device', async () => {
    const { id } = await create({ sampling: 10 });
    seed({ draws: { [id]: 0.5 } });
    expect((await mount({ id })).hidden, '0.5 × 10 ≥ 1: sampled out').to.equal(true);
    seed({ draws: { [id]: 0.05 } });
    expect((await mount({ id })).hidden, '0.05 × 10 < 1: shown').to.equal(false);

    localStorage.clear();
    const el = await mount({ id });
    const draw = record().draws![id];
    expect(draw).to.be.within(0, 1);
    expect(el.hidden).to.equal(draw * 10 >= 1);
    // The same draw next time: a visitor is either in the sample or not.
    expect((await mount({ id })).hidden).to.equal(el.hidden);

    const everyone = await create({ sampling: 1 });
    await mount({ id: everyone.id });
    expect(record().draws![everyone.id], 'no draw when everyone is asked').to.equal(undefined);
  });

  it('without an id, shows the consultation targeted at this page’s section', async () => {
    const section = `mobility-${Math.random().toString(36).slice(2, 8)}`;
    const { id } = await create({ siteId: quietSite, question: 'Do you use the new bike racks?', targeting: { sections: [section] } });
    const el = await mount({ section, site: quietSite });
    expect(el.hidden).to.equal(false);
    expect($(el, 'legend')!.textContent).to.equal('Do you use the new bike racks?');
    const { response } = await tap(el, 'Yes');
    expect(response.answer).to.equal('yes');
    const { responses } = await adminFetch<{ responses: { section: string }[] }>(`/v1/admin/consultations/${id}/responses`);
    expect(responses[0].section).to.equal(section);
  });

  it('without an id, renders nothing when no consultation targets the page', async () => {
    const el = await mount({ section: 'no-such-section', site: quietSite });
    expect(el.hidden).to.equal(true);
    expect(el.getBoundingClientRect().height).to.equal(0);
    expect(el.shadowRoot!.querySelector('form')).to.equal(null);
  });

  it('is loaded by the loader from a CMS-safe div, which reserves its height', async () => {
    const { id } = await create();
    await import('../../src/loader.ts');
    const rules = document.adoptedStyleSheets.flatMap((sheet) => [...sheet.cssRules].map((r) => r.cssText));
    expect(rules.some((r) => r.includes('civic-consultation:not(:defined)') && r.includes('16rem'))).to.equal(true);
    const div = await fixture(html`<div data-civic="consultation" data-consultation=${id} data-api=${testApi()} data-section="mobility"></div>`);
    await waitUntil(() => div.querySelector('civic-consultation'), 'the div was not upgraded');
    const el = div.querySelector('civic-consultation')!;
    expect(el.getAttribute('section')).to.equal('mobility');
    await waitUntil(() => $(el, 'legend'), 'the upgraded card never loaded');
  });

  it('turns an answer refused because the consultation closed into its closed state, focused', async () => {
    const { id } = await create();
    const el = await mount({ id });
    await adminFetch(`/v1/admin/consultations/${id}/close`, { method: 'POST' });
    ($$(el, 'input')[0] as HTMLInputElement).click();
    await waitUntil(() => focused(el)?.textContent === 'This consultation is closed.', 'the closed state was not shown');
    expect($(el, 'form')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('shows a localized error with a working retry when the backend is unreachable', async function () {
    this.timeout(12_000);
    const { id } = await create();
    const el = await fixture<CivicConsultation>(html`<civic-consultation api=${unreachableApi()} consultation=${id}></civic-consultation>`);
    await waitUntil(() => $(el, '[part=error]'), 'no error state', { timeout: 8000 });
    expect($(el, '[part=error]')!.getAttribute('role')).to.equal('alert');
    expect($(el, '[part=error] p')!.textContent).to.contain('could not reach the server');
    expect(el.hidden).to.equal(false);
    await expect(el).to.be.accessible();
    const retried = oneEvent(el, 'civic-error');
    $(el, '[part=retry]')!.click();
    await retried;
    el.api = testApi();
    await el.updateComplete;
    await waitUntil(() => $(el, 'legend'), 'a working backend did not load the card');
  });

  it('shows a refused answer as an error with a retry that sends the same answer once', async () => {
    const { id } = await create();
    const el = await mount({ id });
    const real = window.fetch;
    const keys: string[] = [];
    let refuse = true;
    window.fetch = async (input, init) => {
      if (String(input).endsWith('/responses')) {
        keys.push(new Headers(init?.headers).get('idempotency-key')!);
        if (refuse) {
          refuse = false;
          return new Response(JSON.stringify({ error: { code: 'INVALID_ANSWER', message: 'internal detail' } }), { status: 422 });
        }
      }
      return real(input, init);
    };
    try {
      ($$(el, 'input')[1] as HTMLInputElement).click();
      await waitUntil(() => $(el, '[part=error]'), 'the refusal was not shown');
      expect($(el, '[part=error] p')!.textContent).to.equal('Your answer was not accepted. Please check it and try again.');
      expect(($$(el, 'input')[1] as HTMLInputElement).checked, 'the choice stays').to.equal(true);
      await expect(el).to.be.accessible();
      const stored = oneEvent(el, 'civic-answer') as Promise<CivicAnswerEvent>;
      $(el, '[part=retry]')!.click();
      expect((await stored).response.answer).to.equal('no');
      expect(keys).to.have.length(2);
      expect(keys[1], 'the retry repeats the Idempotency-Key').to.equal(keys[0]);
    } finally {
      window.fetch = real;
    }
  });

  it('has the participant token before the tap, so an answer is one request, and keeps it on the device only after answering', async () => {
    const { id } = await create();
    // A backend address no earlier test used: no token of theirs is left in this page's memory.
    const api = testApi().replace('127.0.0.1', 'localhost');
    const sent: string[] = [];
    const original = window.fetch;
    window.fetch = (input, init) => {
      sent.push(`${init?.method ?? 'GET'} ${new URL(String(input instanceof Request ? input.url : input)).pathname}`);
      return original(input, init);
    };
    try {
      const el = await mount({ id, api });
      await waitUntil(() => sent.includes('POST /v1/participants'), 'no participant token was fetched while the question showed');
      expect(localStorage.getItem(`civic.participant@${api}/`), 'nothing is stored before the resident answers').to.equal(null);
      sent.length = 0;
      await tap(el, 'Yes');
      expect(sent).to.deep.equal([`POST /v1/consultations/${id}/responses`]);
      expect(localStorage.getItem(`civic.participant@${api}/`)).to.match(/^v2\./);
    } finally {
      window.fetch = original;
    }
  });

  it('replaces a participant token the server refuses, and answers in one go', async () => {
    const { id } = await create();
    localStorage.setItem(`civic.participant@${testApi()}/`, 'v1.forged.token');
    const el = await mount({ id });
    const { response } = await tap(el, 'Yes');
    expect(response.answer).to.equal('yes');
    expect(localStorage.getItem(`civic.participant@${testApi()}/`)).not.to.equal('v1.forged.token');
  });

  it('renders right-to-left in Arabic and passes axe', async () => {
    const { id } = await create({ type: 'emoji', followUp: 'لماذا؟' });
    const el = await mount({ id, lang: 'ar' });
    const base = $(el, '[part=base]')!;
    expect(base.getAttribute('dir')).to.equal('rtl');
    expect(base.getAttribute('lang')).to.equal('ar');
    expect($(el, '[part=dismiss]')!.textContent!.trim()).to.equal('ليس الآن');
    fitsColumn(el);
    await expect(el).to.be.accessible();
    await tap(el, 'جيد جدًا');
    expect(focused(el)!.textContent).to.equal('شكرًا لك، تم حفظ إجابتك.');
    await expect(el).to.be.accessible();
  });

  it('lets nothing escape into the host page', () => {
    expect(escaped).to.deep.equal([]);
  });
});
