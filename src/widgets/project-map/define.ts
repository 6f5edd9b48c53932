import { define } from '../../core/define.ts';
import { CivicProjectMap } from './civic-project-map.ts';

// The report form (<civic-project-form>) is defined when a resident first opens it.
define('civic-project-map', CivicProjectMap);
