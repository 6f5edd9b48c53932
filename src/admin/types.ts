import type { ConsultationResults, ConsultationView, Outcome } from '../widgets/consultation/consultation.types.ts';
/** Shapes of the admin API's answers (docs/api.md), as far as the console reads them. */
export interface PollResults {
  voters: number;
  options: { id: string; votes: number; points: number }[];
  version: number;
}

export type ResultsVisibility = 'always' | 'after-vote' | 'after-close' | 'staff';

export interface AdminPoll {
  id: string;
  siteId: string;
  question: string;
  description: string | null;
  type: 'single' | 'multiple' | 'ranked';
  maxChoices: number | null;
  options: { id: string; label: string }[];
  opensAt: string | null;
  closesAt: string | null;
  status: 'scheduled' | 'open' | 'closed';
  resultsVisibility: ResultsVisibility;
  allowChange: boolean;
  verifiedOnly: boolean;
  results: PollResults;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Site {
  id: string;
  name: string;
  origins: string[];
  identity: { hasSecret: boolean } | null;
  createdAt: string;
}

/** A GeoJSON geometry of a project (WGS84 [lng, lat]). */
export interface ProjectGeometry {
  type: 'Point' | 'LineString' | 'Polygon' | 'MultiLineString' | 'MultiPolygon';
  coordinates: unknown;
}

/** `GET /v1/admin/projects/:id`: a project as staff see it (server/schemas/admin-projects.ts). */
export interface AdminProject {
  type: 'Feature';
  id: string;
  geometry: ProjectGeometry;
  properties: {
    title: string;
    category: string;
    status: 'planned' | 'in_progress' | 'completed';
    start: string;
    end: string | null;
    address: string | null;
    description: string;
    contact: string | null;
    link: string | null;
    updatedAt: string;
    siteId: string;
    review: 'pending' | 'approved' | 'rejected';
    rejectReason: string | null;
    source: 'staff' | 'import' | 'resident';
    submitterEmail: string | null;
    createdAt: string;
    reviewedAt: string | null;
  };
}

/** `GET /v1/admin/sites/:site/map`: what the project screens need of a site's map settings. */
export interface AdminMapSettings {
  center: [number, number];
  zoom: number;
  categories: { id: string; label: string; color: string; icon: string }[];
  style: string | null;
}

export type ConsultationType = ConsultationView['type'];
export type ConsultationVisibility = ConsultationView['resultsVisibility'];
export type OutcomeStatus = Outcome['status'];

/** One consultation as staff read it (GET /v1/admin/consultations/:id): the public fields, and the staff's own. */
export interface AdminConsultation
  extends Pick<
    ConsultationView,
    | 'id' | 'siteId' | 'type' | 'question' | 'description' | 'options' | 'notSure' | 'scaleLabels' | 'maxLength' | 'followUp'
    | 'areas' | 'sampling' | 'capDays' | 'opensAt' | 'closesAt' | 'status' | 'resultsVisibility' | 'nextSteps'
  > {
  targeting: { paths: string[]; sections: string[]; siteWide: boolean };
  outcome: Omit<Outcome, 'updatedAt'> | null;
  results: ConsultationResults;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type ModerationMode = 'post' | 'pre' | 'first';

/** A comment thread with its settings and queue sizes (GET /v1/admin/threads). */
export interface AdminThread {
  key: string;
  siteId: string;
  exists: boolean;
  status: 'open' | 'closed';
  closesAt: string | null;
  commentCount: number;
  /** The mode in force: the override, or the site's default. */
  moderation: ModerationMode;
  moderationOverride: ModerationMode | null;
  closedAt: string | null;
  pending: number;
  reported: number;
  createdAt: string | null;
}
