/**
 * Side-effect-free entry for npm consumers: classes, contexts, events and API types.
 * Importing it defines no element; import `civic-widgets/poll` (or call customElements.define) for that.
 */
export { CivicElement, CivicErrorEvent } from './core/civic-element.ts';
export { CivicConfigElement } from './core/civic-config.ts';
export { configContext, type CivicConfig } from './core/config-context.ts';
export { ApiClient, ApiError, errorMessage, loadErrors } from './core/api-client.ts';
export type { Translation, Plural } from './core/i18n/translation.ts';
export { CivicPoll, CivicVoteEvent } from './widgets/poll/civic-poll.ts';
export type { PollView, PollOption, PollResults, PollVote, VoteResponse } from './widgets/poll/poll.types.ts';
export { CivicComments, CivicCommentEvent } from './widgets/comments/civic-comments.ts';
export { CivicCommentCount } from './widgets/comments/civic-comment-count.ts';
export type { CommentView, CommentsPage, ThreadView } from './widgets/comments/comments.types.ts';
export { CivicConsultation, CivicAnswerEvent } from './widgets/consultation/civic-consultation.ts';
export type { ConsultationView, ConsultationResults, MyResponse, Outcome, ResponseResult } from './widgets/consultation/consultation.types.ts';
export { CivicProjectMap, CivicProjectSelectEvent } from './widgets/project-map/civic-project-map.ts';
export { CivicProjectSubmitEvent } from './widgets/project-map/submit-form.ts';
export type { MapSettings, ProjectFeature, ProjectDetails, ProjectCollection, Category, Status, Submission } from './widgets/project-map/project-map.types.ts';
