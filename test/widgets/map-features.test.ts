// What the project map hands maplibre: the whole data first, then only what a filter changed; and,
// past DETAIL_LIMIT lines and areas, a dot per shape among the points.
import { expect } from '@open-wc/testing';
import { DETAIL_LIMIT, MapFeatures } from '../../src/widgets/project-map/map-features.ts';
import { indexProjects } from '../../src/widgets/project-map/project-filters.ts';
import type { Geometry, ProjectFeature } from '../../src/widgets/project-map/project-map.types.ts';

const feature = (id: string, geometry: Geometry): ProjectFeature =>
  ({ type: 'Feature', id, geometry, properties: { title: id, category: 'roads', status: 'planned', start: '2026-01-01', end: null, address: null } }) as ProjectFeature;
const point = (i: number) => feature(`p${i}`, { type: 'Point', coordinates: [5 + i / 1e4, 52] });
const line = (i: number) => feature(`l${i}`, { type: 'LineString', coordinates: [[5, 52 + i / 1e4], [5.001, 52 + i / 1e4], [5.002, 52.0005 + i / 1e4]] });
const area = (i: number) => feature(`a${i}`, { type: 'Polygon', coordinates: [[[5, 52], [5.01, 52], [5.01, 52.01], [5, 52]]] });
const ids = (fs: { id: number }[]) => fs.map((f) => f.id).sort((a, b) => a - b);
const all = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('map features', () => {
  it('a few shapes: points and shapes go to their own sources, then only what a filter changed', () => {
    const index = indexProjects([point(0), line(1), area(2), point(3)]);
    const data = new MapFeatures();
    const first = data.update(index, [0, 1, 2, 3]);
    expect(data.many).to.equal(false);
    expect(first.full).to.equal(true);
    expect(ids(first.points.add)).to.deep.equal([0, 3]);
    expect(ids(first.shapes.add)).to.deep.equal([1, 2]);

    const narrowed = data.update(index, [0, 2]);
    expect(narrowed.full).to.equal(false);
    expect(narrowed).to.deep.include({ points: { add: [], remove: [3] }, shapes: { add: [], remove: [1] } });
    const widened = data.update(index, [0, 1, 2]);
    expect(ids(widened.shapes.add)).to.deep.equal([1]);
    expect(widened.points).to.deep.equal({ add: [], remove: [] });
    expect(ids(data.shownShapes())).to.deep.equal([1, 2]);

    // Another index (a reload): everything again.
    expect(data.update(indexProjects([point(0)]), [0]).full).to.equal(true);
  });

  it(`past ${DETAIL_LIMIT} lines and areas, each is also a dot among the points, on the shape itself`, () => {
    const n = DETAIL_LIMIT + 1;
    const index = indexProjects([point(0), ...Array.from({ length: n - 1 }, (_, i) => line(i + 1)), area(n)]);
    const data = new MapFeatures();
    const first = data.update(index, all(n + 1));
    expect(data.many).to.equal(true);
    expect(first.points.add.length).to.equal(n + 1, 'the point and a dot per shape');
    expect(first.shapes.add.length).to.equal(n);
    const dot = first.points.add.find((f) => f.id === 1)!;
    expect(dot.properties.g).to.equal(1);
    expect(dot.geometry).to.deep.equal({ type: 'Point', coordinates: [5.001, 52.0001] }, 'the middle vertex of the line');
    const ring = first.points.add.find((f) => f.id === n)!;
    expect((index.features[n].geometry.coordinates as number[][][])[0]).to.deep.include((ring.geometry as { coordinates: number[] }).coordinates);
    expect(first.points.add.find((f) => f.id === 0)!.properties.g).to.equal(undefined, 'a real point is no dot');

    // Hiding a line removes its dot too.
    const change = data.update(index, all(n + 1).filter((i) => i !== 5));
    expect(change.points.remove).to.deep.equal([5]);
    expect(change.shapes.remove).to.deep.equal([5]);
  });
});
