import type { LngLat } from './project-map.types.ts';

/** One arrow key press moves the marker about 50 m; with Shift about 500 m. */
export const STEP = 0.0005;

/**
 * The keyboard location picker's move: where an arrow key (Shift: ten times further) takes the
 * marker, or undefined for any other key. Shared by the resident's report form and the staff
 * console's project form, so both pick a point the same way.
 */
export function nudge(at: LngLat, e: Pick<KeyboardEvent, 'key' | 'shiftKey'>): LngLat | undefined {
  const d = STEP * (e.shiftKey ? 10 : 1);
  const moves: Record<string, [number, number]> = { ArrowUp: [0, d], ArrowDown: [0, -d], ArrowLeft: [-d, 0], ArrowRight: [d, 0] };
  const m = moves[e.key];
  return m && [at[0] + m[0], at[1] + m[1]];
}

/** Five decimals (about 1 m): how a picked position is written. */
export const fmtDegrees = (n: number) => n.toFixed(5);
