import { HttpService } from '@nestjs/axios';
import { Controller, Get, HttpCode, Inject, NotFoundException, Param, ParseIntPipe, Post, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { Response } from 'express';
import * as Joi from 'joi';
import { firstValueFrom } from 'rxjs';
import { createClient, RedisClientType } from 'redis';
import { DataSource, Repository } from 'typeorm';
import { Item } from './item.entity';

interface Cart {
  owner: { name: string };
}

function findCart(id: string): Cart | null {
  return null;
}

@Controller()
export class ShopController {
  constructor(
    private readonly config: ConfigService,
    private readonly http: HttpService,
    @InjectRepository(Item) private readonly items: Repository<Item>,
    @InjectDataSource() private readonly db: DataSource,
    @InjectDataSource('refused') private readonly refused: DataSource,
    @InjectDataSource('badauth') private readonly badAuth: DataSource,
    @InjectDataSource('single') private readonly single: DataSource,
    @Inject('REDIS') private readonly redis: RedisClientType,
  ) {}

  @Get('health')
  health() {
    return 'ok';
  }

  @Get('items')
  list() {
    return this.items.find({ order: { id: 'ASC' } });
  }

  @Get('items/:id')
  async item(@Param('id', ParseIntPipe) id: number) {
    const found = await this.items.findOneBy({ id });
    if (!found) throw new NotFoundException();
    return { id: found.id, name: found.name };
  }

  private static async count(ds: DataSource) {
    if (!ds.isInitialized) await ds.initialize();
    return ds.getRepository(Item).count();
  }

  @Get('db/refused')
  dbRefused() {
    return ShopController.count(this.refused);
  }

  @Get('db/auth')
  dbAuth() {
    return ShopController.count(this.badAuth);
  }

  @Get('db/pool')
  async dbPool() {
    // The pool's one connection is held by a query runner while a second is borrowed.
    const held = this.single.createQueryRunner();
    await held.connect();
    try {
      await held.query('SELECT 1');
      return await this.single.getRepository(Item).count();
    } finally {
      await held.release();
    }
  }

  private inTx(...statements: string[]) {
    return this.db.transaction(async (m) => {
      for (const sql of statements) await m.query(sql);
      return 'ok';
    });
  }

  @Get('db/statement-timeout')
  statementTimeout() {
    return this.inTx("SET LOCAL statement_timeout = '200ms'", 'SELECT pg_sleep(2)');
  }

  @Get('db/lock-timeout')
  lockTimeout() {
    return this.inTx("SET LOCAL lock_timeout = '200ms'", 'UPDATE items SET qty = qty - 1 WHERE id = 1');
  }

  @Get('db/undefined-table')
  undefinedTable() {
    return this.inTx('SELECT id FROM orders_archive WHERE id = 1');
  }

  @Get('db/undefined-column')
  undefinedColumn() {
    return this.inTx('SELECT id, discount FROM items WHERE id = 1');
  }

  @Post('db/unique')
  @HttpCode(200)
  async unique() {
    await this.items.insert({ id: 1, name: 'duplicate', qty: 1 });
    return 'ok';
  }

  // Settings read per request, as a handler that honours a changed environment does.
  @Get('config/int')
  pageSize() {
    return { pageSize: Joi.attempt(this.config.get('PAGE_SIZE'), Joi.number().integer().required().label('PAGE_SIZE')) };
  }

  @Get('config/missing')
  paymentsUrl() {
    return { paymentsUrl: this.config.getOrThrow<string>('PAYMENTS_URL') };
  }

  @Get('null')
  nullDereference() {
    return { owner: findCart('c-1').owner.name };
  }

  @Get('slow')
  async slow() {
    await new Promise((r) => setTimeout(r, 2000));
    return 'slow';
  }

  private async call(url: string, timeout: number) {
    const res = await firstValueFrom(this.http.get(url, { timeout, responseType: 'text' }));
    return res.data;
  }

  @Get('downstream/500')
  downstream500() {
    return this.call(this.config.getOrThrow<string>('DOWNSTREAM_URL') + '/null', 5000);
  }

  @Get('downstream/timeout')
  downstreamTimeout() {
    return this.call(this.config.getOrThrow<string>('DOWNSTREAM_URL') + '/slow', 500);
  }

  @Get('downstream/refused')
  downstreamRefused() {
    return this.call(this.config.getOrThrow<string>('CLOSED_URL') + '/payments', 5000);
  }

  @Get('bare500')
  bare500(@Res({ passthrough: true }) res: Response) {
    res.status(500);
    return '';
  }

  @Get('cache/refused')
  async cacheRefused() {
    const c = createClient({ url: this.config.getOrThrow<string>('REDIS_URL_REFUSED'), socket: { reconnectStrategy: false, connectTimeout: 1000 } });
    c.on('error', () => {});
    try {
      await c.connect();
      return await c.ping();
    } finally {
      c.destroy();
    }
  }

  @Get('cache/ping')
  cachePing() {
    return this.redis.ping();
  }
}
