import { createContext } from '@lit/context';

/** What a `<civic-config>` ancestor hands down to every widget inside it. */
export interface CivicConfig {
  api?: string;
  identityToken?: string;
  getIdentityToken?: () => string | undefined | Promise<string | undefined>;
}

// A string key, not a Symbol: two copies of the library on one page still find each other.
export const configContext = createContext<CivicConfig | undefined>('civic-config');
