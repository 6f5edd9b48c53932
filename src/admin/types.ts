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
