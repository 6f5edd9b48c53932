import { CivicConfigElement } from './civic-config.ts';
import { define } from './define.ts';

define('civic-config', CivicConfigElement);
