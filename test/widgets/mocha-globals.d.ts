// The mocha globals that web-test-runner provides in the browser. @types/mocha is not a
// dependency, and tsconfig limits global types to node, so declare the part the tests use.
interface MochaContext {
  timeout(ms: number): void;
  skip(): never;
}
type MochaFn = (this: MochaContext) => void | Promise<unknown>;
declare function describe(title: string, fn: (this: MochaContext) => void): void;
declare function it(title: string, fn?: MochaFn): void;
declare function before(fn: MochaFn): void;
declare function after(fn: MochaFn): void;
declare function beforeEach(fn: MochaFn): void;
declare function afterEach(fn: MochaFn): void;
