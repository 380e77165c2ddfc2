import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { openStore, Store, storeOptionsFromEnv, type StoreOptions } from './store';

const OWNS_STORE = Symbol('OWNS_STORE');

/** Closes the store's pool when the Nest application shuts down, unless the caller passed it in. */
class StoreCloser implements OnApplicationShutdown {
  constructor(
    @Inject(Store) private readonly store: Store,
    @Inject(OWNS_STORE) private readonly owns: boolean,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.owns) await this.store.close();
  }
}

/**
 * Nest module providing `Store` (inject it by class): `StoreModule.forRoot(options)` opens it
 * (migrations run on start) and closes it on shutdown. Options default to the environment
 * (DATABASE_URL, ABLATE_ARTIFACT_DIR). Pass `store` to share an already opened Store (its owner closes it).
 */
@Global()
@Module({})
export class StoreModule {
  static forRoot(options: StoreOptions & { store?: Store } = {}): DynamicModule {
    return {
      module: StoreModule,
      providers: [
        {
          provide: Store,
          useFactory: () => options.store ?? openStore({ ...storeOptionsFromEnv(), ...options }),
        },
        { provide: OWNS_STORE, useValue: options.store === undefined },
        StoreCloser,
      ],
      exports: [Store],
    };
  }
}
