import { define } from '../../core/define.ts';
import { CivicCommentCount } from './civic-comment-count.ts';

define('civic-comment-count', CivicCommentCount);
