// shop-nestjs: the blind check's NestJS stack. NestJS 11 on Express, TypeORM 0.3 data sources on pg (pg-pool),
// node-redis, settings from @nestjs/config (validated with Joi where a number is read), @nestjs/axios; run under
// @opentelemetry/auto-instrumentations-node (its defaults: http, express, nestjs-core, pg, redis, net, dns...).
// Each route of test/blind/README.md induces its fault for real; nothing is recorded by hand. An exception out
// of a handler is left to Nest's ExceptionsHandler: a 500, logged by Nest's Logger.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function main() {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT), '127.0.0.1');
}

main();
