// Test support for code that implements or uses the store port, and a real redis-server for the
// queue's tests: `@frontier/search/testing`. Not part of the production surface
// (`@frontier/search`); nothing here is imported by `src/index.ts`.
export { storeContract, type StoreFixture, type StoreFixtureFactory } from './store-contract.js';
export {
  claimed,
  evaluated,
  rejectsWith,
  sampleMetrics,
  sampleModel,
  sampleProvenance,
  sampleRun,
  scene,
  type ContractCase,
  type Scene,
} from './store-contract-data.js';
export { FakeDispatcher, fakeEstimate, fakeMetrics, type FakeDispatcherOptions } from './fake-dispatcher.js';
export { faultyStore, type FaultyStore, type StoreHook, type StoreMethod } from './faulty-store.js';
export { bruteForceFront, dominatesByDefinition } from './dominance-oracle.js';
export { startRedisServer, redisServerMissing, type RedisServer } from './redis-server.js';
