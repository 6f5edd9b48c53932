import { define } from '../../core/define.ts';
import { CivicConsultation } from './civic-consultation.ts';

define('civic-consultation', CivicConsultation);
