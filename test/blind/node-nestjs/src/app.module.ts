import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import { createClient } from 'redis';
import { Item } from './item.entity';
import { ShopController } from './shop.controller';

// A TypeORM data source of the URL in setting `key`; the ones of a database that cannot be reached are
// initialized on first use (manualInitialization), so the service starts without them.
function dataSource(name: string, key: string, extra: object, lazy: boolean) {
  return TypeOrmModule.forRootAsync({
    name,
    inject: [ConfigService],
    useFactory: (config: ConfigService): TypeOrmModuleOptions => ({
      type: 'postgres',
      url: config.getOrThrow<string>(key),
      entities: [Item],
      synchronize: false,
      manualInitialization: lazy,
      retryAttempts: 0,
      extra,
    }),
  });
}

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    HttpModule,
    dataSource('default', 'DATABASE_URL', { max: 4 }, false),
    // The database is down: a port nothing listens on.
    dataSource('refused', 'DATABASE_URL_REFUSED', { max: 4 }, true),
    dataSource('badauth', 'DATABASE_URL_BAD_PASSWORD', { max: 4 }, true),
    // A pool of one connection that waits 500 ms for a free one (pg-pool's connectionTimeoutMillis).
    dataSource('single', 'DATABASE_URL', { max: 1, connectionTimeoutMillis: 500 }, false),
    TypeOrmModule.forFeature([Item]),
  ],
  controllers: [ShopController],
  providers: [
    {
      provide: 'REDIS',
      inject: [ConfigService],
      useFactory: async (config: ConfigService) => {
        const client = createClient({ url: config.getOrThrow<string>('REDIS_URL') });
        client.on('error', () => {});
        await client.connect();
        return client;
      },
    },
  ],
})
export class AppModule {}
