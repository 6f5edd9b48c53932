// Types for scripts/test-server.mjs, so TypeScript tests can import it.
import type { ChildProcess } from 'node:child_process';
export interface SpawnedServer {
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
  output(): string;
}
export declare function freePort(): Promise<number>;
export declare function spawnServer(options: {
  port: number;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}): Promise<SpawnedServer>;
