import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { openStore, Store, storeOptionsFromEnv, type StoreOptions } from './store';

/** Closes the store's pool when the Nest application shuts down. */
class StoreCloser implements OnApplicationShutdown {
  constructor(@Inject(Store) private readonly store: Store) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/**
 * Nest module providing `Store` (inject it by class): `StoreModule.forRoot(options)` opens it
 * (migrations run on start) and closes it on shutdown. Options default to the environment
 * (DATABASE_URL, ABLATE_ARTIFACT_DIR). Pass `store` to share an already opened Store.
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
        StoreCloser,
      ],
      exports: [Store],
    };
  }
}
