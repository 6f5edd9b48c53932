/** The poll as the API serves it (see docs/api.md). */
export interface PollView {
  id: string;
  siteId: string;
  question: string;
  description: string | null;
  type: 'single' | 'multiple' | 'ranked';
  maxChoices: number | null;
  options: PollOption[];
  opensAt: string | null;
  closesAt: string | null;
  status: 'scheduled' | 'open' | 'closed';
  resultsVisibility: 'always' | 'after-vote' | 'after-close' | 'staff';
  allowChange: boolean;
  verifiedOnly: boolean;
  results: PollResults | null;
  myVote: PollVote | null;
  serverTime: string;
}

export interface PollOption {
  id: string;
  label: string;
}

export interface PollResults {
  voters: number;
  /** single/multiple: votes = voters who chose it; ranked: votes = first preferences, points = Borda count. */
  options: { id: string; votes: number; points: number }[];
  version: number;
}

export interface PollVote {
  choices: string[];
  at: string;
}

export interface VoteResponse {
  vote: PollVote;
  results: PollResults | null;
}
