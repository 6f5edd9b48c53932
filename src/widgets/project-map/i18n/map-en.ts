import type { MapStrings } from './strings.ts';

export const enMap: MapStrings = {
  map: 'Map of projects',
  mapHint: 'Arrow keys move the map, plus and minus zoom. The list has every project shown on the map.',
  cluster: { one: '{n} project here: zoom in', other: '{n} projects here: zoom in' },
  zoomIn: 'Zoom in',
  zoomOut: 'Zoom out',
  resetNorth: 'Reset north',
};
