import { define } from '../../core/define.ts';
import { CivicPoll } from './civic-poll.ts';

define('civic-poll', CivicPoll);
