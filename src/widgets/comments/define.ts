import { define } from '../../core/define.ts';
import { CivicComments } from './civic-comments.ts';
import { CommentForm } from './comment-form.ts';

define('civic-comment-form', CommentForm);
define('civic-comments', CivicComments);
