package classify

import (
	"regexp"
	"strconv"
)

// patRows: message patterns, matched on lower-cased text segments (the
// innermost wrapped cause first). Within one segment the first matching row
// wins, so specific phrases come before general ones. Rule names are
// "msg.<topic>[.<driver or language>]".
var patRows = []patRow{
	// ---- database_connection: pool, limits, authentication, database ----
	dbPat("msg.pool.hikari", connPool, "connection is not available, request timed out"),
	pat("msg.pool.sqlalchemy", connPool, "queuepool limit of size"),
	// SqlClient, Npgsql; MySqlConnector's ConnectionPool: "Connect Timeout expired. All pooled connections are in use."
	pat("msg.pool.dotnet", connPool, "max pool size was reached", "the connection pool has been exhausted", "all pooled connections are in use"),
	// The same ADP_PooledOpenTimeout in SqlClient's translations (dotnet/SqlClient src/Microsoft.Data.SqlClient/src/
	// Resources/Strings.<culture>.resx, as System.Data's language packs print it): its max-pool-size clause in cs, de,
	// es, fr, it, ja, ko, pl, pt-BR, ru, tr, zh-Hans, zh-Hant.
	pat("msg.pool.dotnet.localized", connPool, "dosažení maximální velikosti fondu", "die maximale poolgröße wurde erreicht", "se alcanzó el máximo tamaño del grupo",
		"la taille maximale du pool a été atteinte", "raggiunta la dimensione massima del pool", "プール サイズの制限値に達した", "최대 풀 크기에 도달했기",
		"osiągnięto maksymalny rozmiar puli", "o tamanho máximo do pool foi atingido", "достигнут максимальный размер пула", "havuz boyutu üst sınırına ulaşıldığından",
		"达到了最大池大小", "已達共用集區大小的最大值"),
	// Active Record's ConnectionTimeoutError; up to Rails 4.0 (connection_pool.rb Queue#poll) "could not obtain a database
	// connection within %0.3f seconds (waited %0.3f seconds)".
	pat("msg.pool.activerecord", connPool, "could not obtain a connection from the pool", "all pooled connections were in use", "could not obtain a database connection within"),
	pat("msg.pool.node", connPool, "timeout exceeded when trying to connect", "knex: timeout acquiring a connection", "the pool is probably full"),
	pat("msg.pool.prisma", connPool, "timed out fetching a new connection from the connection pool"),
	// redis/go-redis internal/pool/pool.go getConn: "redis: connection pool: was not able to get a healthy connection
	// after %d attempts", every idle connection it took was unhealthy.
	pat("msg.pool.redis", connPool, "redis: connection pool timeout", "could not get a resource from the pool", "redis: connection pool: was not able to get a healthy connection"),
	// redisson/redisson redisson/src/main/java/org/redisson/command/RedisExecutor.java scheduleConnectionTimeout:
	// RedisTimeoutException "Unable to acquire connection! <future>Increase connection pool size..." when no pooled
	// connection came within the response timeout (its type's words are a command's timeout).
	pat("msg.pool.redisson", connPool, "unable to acquire connection! ").with("connection pool size"),
	pat("msg.pool.java", connPool, "timeout waiting for idle object", "cannot get a connection, pool error", "timed out while checking out a connection from connection pool", "wait queue timeout"),
	// gomodule/redigo redis/pool.go v1.9.2: ErrPoolExhausted, MaxActive reached with Wait false; a cache's pool,
	// read wherever it is recorded (a handler's error, no database span).
	pat("msg.pool.redigo", connPool, "redigo: connection pool exhausted"),
	dbPat("msg.pool.go", connPool, "connection pool exhausted", "pool exhausted", "failed to acquire connection"),
	// c3p0 BasicResourcePool.awaitAvailable, and C3P0PooledConnectionPool.checkoutPooledConnection's wrapper.
	pat("msg.pool.c3p0", connPool, "a client timed out while waiting to acquire a resource", "an attempt by a client to checkout a connection has timed out"),
	// BoneCP BoneCP.getConnection / DefaultConnectionStrategy.getConnectionInternal: SQLException("Timed out waiting for
	// a free available connection.", "08001") when no partition frees one within connectionTimeoutInMs.
	pat("msg.pool.bonecp", connPool, "timed out waiting for a free available connection"),
	// Tomcat JDBC ConnectionPool.borrowConnection (PoolExhaustedException).
	pat("msg.pool.tomcat_jdbc", connPool, "pool empty. unable to fetch a connection"),
	// Agroal ConnectionPool.handlerFromSharedCache.
	pat("msg.pool.agroal", connPool, "acquisition timeout while waiting for new connection"),
	// Vibur PoolOperations.getProxyConnection.
	pat("msg.pool.vibur", connPool, "couldn't obtain sql connection from pool"),
	// Oracle UCP: UCP-29.
	pat("msg.pool.ucp", connPool, "ucp-29: failed to get a connection", "all connections in the universal connection pool are in use"),
	// reactor-pool PoolAcquireTimeoutException (r2dbc-pool); reactor-netty's HTTP pool says the same, read as a call.
	dbPat("msg.pool.reactor", connPool, "pool#acquire(duration) has been pending for more than the configured timeout"),
	// sqlx (sqlx-core error.rs): Error::PoolTimedOut.
	pat("msg.pool.sqlx", connPool, "pool timed out while waiting for an open connection"),
	// Rust pools, whose errors carry no type or stack: deadpool src/managed/errors.rs PoolError::Timeout
	// (TimeoutType::Wait "Timeout occurred while waiting for a slot to become available"), bb8 bb8/src/api.rs
	// RunError::TimedOut "Timed out in bb8", sea-orm src/error.rs DbErr::ConnectionAcquire "Failed to acquire
	// connection from pool" (ConnAcquireErr::Timeout "Connection pool timed out"), r2d2 src/lib.rs Error
	// "timed out waiting for connection" (diesel's r2d2 pool), alone or before the pool's last connect error.
	pat("msg.pool.rust", connPool, "timeout occurred while waiting for a slot to become available", "timed out in bb8", "failed to acquire connection from pool"),
	pat("msg.pool.r2d2", connPool, "timed out waiting for connection").regex(`(?:^|: )timed out waiting for connection(?:$|: )`),
	// deadpool's TimeoutType::Create: the pool's connect to the database did not finish in time.
	pat("msg.pool.rust.create", connTimeout, "timeout occurred while creating a new object"),
	// peewee playhouse/pool.py PooledDatabase: MaxConnectionsExceeded; go-pg internal/pool/pool.go ErrPoolTimeout.
	pat("msg.pool.peewee", connPool, "max connections exceeded, timed out attempting to connect", "exceeded maximum connections."),
	pat("msg.pool.go_pg", connPool, "pg: connection pool timeout"),
	// mariadb-connector-nodejs lib/pool.js: SqlError 45028 ER_GET_CONNECTION_TIMEOUT.
	pat("msg.pool.mariadb_node", connPool, "retrieve connection from pool timeout after"),
	// coopernurse/node-pool (generic-pool) lib/ResourceRequest.js _fireTimeout: "ResourceRequest timed out", the
	// acquire timeout of the pools Sequelize 5, TypeORM's mssql/oracle drivers and CAP's cds use.
	pat("msg.pool.generic_pool", connPool, "resourcerequest timed out"),
	// mongoose lib/drivers/node-mongodb-native/collection.js: an operation buffered while no connection to
	// MongoDB was made fails "Operation `x.find()` buffering timed out after 10000ms" (bufferTimeoutMS).
	pat("msg.mongoose.buffering", connTimeout, "buffering timed out after"),
	// A clustered database's client with no node left to send to: gocql session.go ErrNoConnections, the
	// Elasticsearch clients' elastic/elastic-transport-js src/Transport.ts NoLivingConnectionsError and
	// olivere/elastic errors.go ErrNoClient (every node failed its connect or health check).
	pat("msg.no_nodes", connRefused, "gocql: no hosts available in the pool", "there are no living connections", "no elasticsearch node available"),
	// StackExchange/StackExchange.Redis docs/Timeouts.md: a "Timeout performing" (2.x also "Timeout awaiting response")
	// prints the .NET thread pool's IOCP and WORKER counts; once Busy exceeds Min the pool injects one thread per 500 ms,
	// and the reply waits for a thread, not for Redis (ExceptionFactory.Timeout adds the counts).
	pat("msg.redis.stackexchange.thread_pool", resThreads, "timeout performing ", "timeout awaiting response").with("busy=").checked(threadPoolThrottled),
	// ServiceStack/ServiceStack.Redis src/ServiceStack.Redis/RedisNativeClient_Utils.cs Connect: RedisException
	// "could not connect to redis Instance at host:port", the socket's error as the inner exception.
	pat("msg.redis.connect.servicestack", connRefused, "could not connect to redis instance at"),
	// r2dbc-pool ConnectionPool: R2dbcTimeoutException "Connection acquisition timed out after %dms".
	pat("msg.pool.r2dbc", connPool, "connection acquisition timed out after"),
	// psycopg_pool/psycopg_pool/pool.py getconn: PoolTimeout "couldn't get a connection after %.2f sec";
	// _get_ready_connection with max_waiting: TooManyRequests "the pool 'p' has already N requests waiting".
	pat("msg.pool.psycopg", connPool, "couldn't get a connection after", "requests waiting").regex(`couldn't get a connection after|has already \d+ requests waiting`),
	// node-mysql2 lib/pool.js getConnection.
	dbPat("msg.pool.mysql2", connPool, "no connections available.", "queue limit reached."),
	// The same error whole, wherever it is recorded: only a pool that does not wait says so (mysql2's promise
	// pool re-creates it at the caller, without the pool's frames; mysqljs/mysql lib/Pool.js raises it too).
	// long2ice/asynch asynch/pool.py Pool._acquire_connection: AsynchPoolError "no free connection in the <Pool(minsize=,
	// maxsize=) ...>" when every connection of the ClickHouse pool is lent.
	pat("msg.pool.asynch", connPool, "no free connection in ").regex(`no free connection in (?:the )?<pool\(`),
	// Its queueLimit alike (lib/pool.js getConnection: "Queue limit reached."): the waiters' queue of the pool is full.
	pat("msg.pool.mysql2.whole", connPool, "no connections available.", "queue limit reached").regex(`^(?:no connections available|queue limit reached)\.?$`),
	// mariadb-connector-nodejs lib/pool.js _rejectTimedOutRequest (ER_GET_CONNECTION_TIMEOUT) when no connection
	// came in acquireTimeout: "pool timeout:" while connections exist, "pool failed to retrieve" while none is active
	// and creating one failed. A borrow timeout either way: the creation's error, when the trace or a log holds it,
	// decides instead (connectFailure).
	pat("msg.pool.mariadb", connPool, "pool timeout: failed to retrieve a connection from pool", "pool failed to retrieve a connection from pool"),
	// Vert.x: vertx-sql-client SqlConnectionPool.execute fails a request still waiting for a connection at
	// PoolOptions' connection timeout with the stackless VertxException("Timeout waiting for connection");
	// vert.x core's SimpleConnectionPool, under it, refuses a waiter beyond maxWaitQueueSize with
	// ConnectionPoolTooBusyException. On an HTTP client's span both are its pool's, read as the call.
	dbPat("msg.pool.vertx", connPool, "timeout waiting for connection", "connection pool reached max wait queue size of"),
	pat("msg.too_many_clients.postgresql", connTooMany, "sorry, too many clients already", "remaining connection slots are reserved", "too many connections for role", "too many connections for database"),
	pat("msg.too_many_connections.mysql", connTooMany, "too many connections", "max_user_connections", "max number of clients reached"),
	pat("msg.auth.postgresql", connAuth, "password authentication failed for user", "no pg_hba.conf entry for", "sasl authentication failed", "ident authentication failed", "peer authentication failed", "server requested a password but no password was provided",
		// libpq-fe.h PQnoPasswordSupplied: a connection string without a password; Npgsql's own words for the same
		// (NpgsqlConnector.Auth.cs: "No password has been provided but the backend requires one (in MD5)", "in SASL",
		// "in cleartext").
		"fe_sendauth: no password supplied", "no password has been provided but the backend requires one"),
	pat("msg.permission.mysql_db", confPermission, "command denied to user"),
	pat("msg.auth.mysql", connAuth, "access denied for user"),
	pat("msg.auth.mssql", connAuth, "login failed for user"),
	pat("msg.auth.oracle", connAuth, "invalid username/password; logon denied"),
	// ClickHouse's AUTHENTICATION_FAILED (516) text, "<user>: Authentication failed: password is incorrect, or there
	// is no user with such name", as clickhouse-client prints it and clickhouse-go wraps it ("code: 516, message: ...",
	// without the comma in older servers: ClickHouse/clickhouse-go#346).
	// MongoDB's drivers on a failed authentication: mongodb/mongo-go-driver x/mongo/driver/auth/auth.go Error.Error
	// "auth error: %s: %v" of sasl.go's newAuthError("sasl conversation error", err); go-mgo/mgo auth.go saslLogin
	// "server returned error on SASL authentication step: %s"; mongodb/mongo-java-driver SaslAuthenticator
	// MongoSecurityException "Exception authenticating " + the MongoCredential.
	pat("msg.auth.mongodb", connAuth, "auth error: sasl conversation error", "server returned error on sasl authentication step", "exception authenticating mongocredential"),
	pat("msg.auth.clickhouse", connAuth, "authentication failed: password is incorrect"),
	// Cassandra's authenticators, as a driver reports the server's Bad credentials (0x0100): Apache Cassandra
	// auth/PasswordAuthenticator.java "Provided username %s and/or password are incorrect" (2.x "Username and/or
	// password are incorrect"); DataStax Enterprise's DseAuthenticationException reason "Failed to login. Please
	// re-try." (com.datastax.bdp.cassandra.auth), its first sentence alone under gocql's "unable to dial control conn".
	pat("msg.auth.cassandra", connAuth, "and/or password are incorrect", "failed to login. please re-try"),
	dbPat("msg.auth.cassandra.dse", connAuth, "failed to login."),
	dbPat("msg.auth.generic", connAuth, "authentication failed", "wrongpass", "noauth", "invalid password", "auth failed"),
	pat("msg.unknown_database", connUnknownDB, "does not exist", "unknown database '", "cannot open database \"").regex(`database "[^"]*" does not exist|unknown database '|cannot open database "`),
	pat("msg.tls.database", connTLS, "ssl is not enabled on the server", "server does not support ssl", "ssl connection is required", "error occurred during the pre-login handshake"),

	// ---- database_timeout ----
	pat("msg.timeout.statement.postgresql", dbStatementTimeout, "canceling statement due to statement timeout", "idle-in-transaction timeout"),
	pat("msg.timeout.lock.postgresql", dbLockTimeout, "canceling statement due to lock timeout", "could not obtain lock on"),
	pat("msg.canceled.postgresql", dbCanceled, "canceling statement due to user request", "canceling statement due to conflict with recovery"),
	pat("msg.timeout.lock.mysql", dbLockTimeout, "lock wait timeout exceeded"),
	// sqlite/sqlite src/main.c sqlite3ErrStr: SQLITE_BUSY "database is locked" (the busy timeout ran out waiting for
	// another connection's lock), SQLITE_LOCKED "database table is locked".
	pat("msg.timeout.lock.sqlite", dbLockTimeout, "database is locked", "database table is locked"),

	pat("msg.timeout.statement.mysql", dbStatementTimeout, "maximum statement execution time exceeded", "max_statement_time exceeded", "statement cancelled due to timeout"),
	pat("msg.canceled.mysql", dbCanceled, "query execution was interrupted"),
	pat("msg.timeout.statement.mssql", dbStatementTimeout, "execution timeout expired", "the timeout period elapsed prior to completion of the operation"),
	// SqlClient's SQL_Timeout_Execution in its translations (Strings.<culture>.resx, as msg.pool.dotnet.localized): the
	// first sentence in cs, de, es, fr, it, ja, ko, pl, pt-BR, ru, tr, zh-Hans, zh-Hant.
	pat("msg.timeout.statement.mssql.localized", dbStatementTimeout, "časový limit provedení vypršel", "das ausführungstimeout ist abgelaufen", "se agotó el tiempo de espera de ejecución",
		"le délai d'exécution a expiré", "il timeout di esecuzione è scaduto", "実行タイムアウトの期限が切れました", "실행 제한 시간을 초과했습니다", "upłynął limit czasu wykonywania",
		"tempo limite de execução expirado", "время ожидания выполнения истекло", "yürütme zaman aşımı süresi doldu", "执行超时已过期", "執行逾時到期"),
	pat("msg.timeout.lock.mssql", dbLockTimeout, "lock request time out period exceeded", "resource busy and acquire with nowait"),
	pat("msg.canceled.oracle", dbCanceled, "user requested cancel of current operation", "operation cancelled by user"),
	pat("msg.timeout.statement.mongodb", dbStatementTimeout, "operation exceeded time limit", "maxtimemsexpired"),
	dbPat("msg.timeout.statement.generic", dbStatementTimeout, "statement timeout", "query timeout", "command timed out", "query timed out"),

	// ---- database_query ----
	// knex lib/query/querycompiler.js toSQL (compiler.js before 0.95; raw.js for RAW): "Undefined binding(s) detected
	// when compiling %s query: %s" (0.95 and later: "... when compiling %s. Undefined column(s): [%s] query: %s"),
	// thrown by the query builder before any statement is sent: the application passed an undefined value.
	pat("msg.argument.knex", appArgument, "undefined binding(s) detected"),
	pat("msg.undefined_column.postgresql", qColumn, "does not exist").regex(`\bcolumn "?[\w.$]+"?(?: of relation "[^"]*")? does not exist`),
	pat("msg.undefined_function.postgresql", qFunction, "does not exist", "no function matches").regex(`\b(?:function|operator|procedure) .{1,120} does not exist|no function matches the given name`),
	// postgres src/backend/commands/tablecmds.c dropmsgstringarray: DROP and ALTER of a relation that is not there say
	// "table \"%s\" does not exist" (also view, sequence), ERRCODE_UNDEFINED_TABLE as the parser's "relation".
	pat("msg.undefined_table.postgresql", qTable, "does not exist").regex(`\b(?:relation|table|view|sequence) "[^"]*" does not exist`),
	// The same two under lc_messages=fr (postgres src/backend/po/fr.po: msgstr "la relation « %s » n'existe pas",
	// "la colonne %d de la relation « %s » n'existe pas"; the column's own "la colonne « %s » n'existe pas"), as
	// pgjdbc and psycopg pass the server's localized text on without its SQLSTATE.
	pat("msg.undefined_column.postgresql_fr", qColumn, "n'existe pas").regex(`\bla colonne (?:« [^»]{1,200} »|\d+) (?:de la relation « [^»]{1,200} » )?n'existe pas`),
	pat("msg.undefined_table.postgresql_fr", qTable, "n'existe pas").regex(`\bla relation « [^»]{1,200} » n'existe pas`),
	// Class 22 under lc_messages=fr (postgres src/backend/po/fr.po): 22P02 "invalid input syntax for type %s: \"%s\""
	// msgstr "syntaxe en entrée invalide pour le type %s : « %s »", 22001 "value too long for type character varying(%d)"
	// msgstr "valeur trop longue pour le type character varying(%d)", as Sequelize and PDO pass the text on.
	pat("msg.data.postgresql_fr", qData, "syntaxe en entrée invalide pour le type", "valeur trop longue pour le type"),
	// ... and under lc_messages=zh_CN: postgres/postgres src/backend/po/zh_CN.po (catalog/namespace.c,
	// parser/parse_relation.c) msgid "relation \"%s\" does not exist" msgstr "关系 \"%s\" 不存在", as a driver that
	// drops the SQLSTATE (Tortoise's OperationalError) passes it on.
	pat("msg.undefined_table.postgresql_zh_cn", qTable, "不存在").regex(`关系 "[^"]*" 不存在`),
	pat("msg.undefined_table.mysql", qTable, "doesn't exist").regex(`\btable '[^']*' doesn't exist`),
	pat("msg.undefined_table.mssql", qTable, "invalid object name '"),
	pat("msg.undefined_table.oracle", qTable, "table or view does not exist"),
	pat("msg.undefined_table.other", qTable, "no such table:", "base table or view not found", "does not exist in the current database").regex(`no such table:|base table or view not found|the table .{1,80} does not exist in the current database`),
	pat("msg.orm.efcore", qORM, "invalid column name '").with("entityframework"),
	// dotnet/runtime Nullable<T>.Value's InvalidOperation_NoValue "Nullable object must have a value." thrown from EF
	// Core's materializer (its shaper, under "An exception occurred while iterating over the results of a query",
	// CoreResources LogExceptionDuringQueryIteration): a NULL column read into a non-nullable property (dotnet/efcore#25284).
	pat("msg.orm.efcore_null", qORM, "nullable object must have a value").with("entityframeworkcore"),
	pat("msg.undefined_column.mysql", qColumn, "unknown column '"),
	pat("msg.undefined_column.mssql", qColumn, "invalid column name '"),
	pat("msg.undefined_column.other", qColumn, "invalid identifier", "no such column:", "column not found", "does not exist in the current database").regex(`invalid identifier|no such column:|column not found|the column .{1,80} does not exist in the current database`),
	pat("msg.syntax.postgresql", qSyntax, "syntax error at or near", "syntax error at end of input", "unterminated quoted string"),
	pat("msg.syntax.mysql", qSyntax, "you have an error in your sql syntax"),
	pat("msg.syntax.mssql", qSyntax, "incorrect syntax near", "unclosed quotation mark after the character string"),
	pat("msg.syntax.oracle", qSyntax, "sql command not properly ended", "invalid sql statement", "missing expression"),
	pat("msg.syntax.sqlite", qSyntax, ": syntax error", "syntax error in sql").with("sql"),
	pat("msg.constraint.postgresql", qConstraint, "violates unique constraint", "violates foreign key constraint", "violates not-null constraint", "violates check constraint", "violates exclusion constraint"),
	pat("msg.constraint.mysql", qConstraint, "duplicate entry '", "a foreign key constraint fails", "cannot be null").regex(`duplicate entry '|a foreign key constraint fails|column '[^']*' cannot be null`),
	pat("msg.constraint.mssql", qConstraint, "violation of primary key constraint", "violation of unique key constraint", "cannot insert duplicate key", "conflicted with the foreign key constraint", "conflicted with the reference constraint", "cannot insert the value null into column"),
	pat("msg.constraint.oracle", qConstraint, "unique constraint (", "integrity constraint (", "cannot insert null into"),
	pat("msg.constraint.other", qConstraint, "e11000 duplicate key error", "unique constraint failed", "not null constraint failed", "foreign key constraint failed", "document failed validation", "integrity constraint violation", "duplicate key value"),
	pat("msg.deadlock.postgresql", qDeadlock, "deadlock detected"),
	pat("msg.deadlock.mysql", qDeadlock, "deadlock found when trying to get lock"),
	pat("msg.deadlock.mssql", qDeadlock, "chosen as the deadlock victim", "was deadlocked on lock"),
	dbPat("msg.deadlock.generic", qDeadlock, "deadlock"),
	pat("msg.serialization", qSerialize, "could not serialize access", "restart transaction", "writeconflict", "write conflict", "can't serialize access for this transaction", "snapshot isolation transaction aborted due to update conflict", "row was updated or deleted by another transaction", "record has changed since last read"),
	pat("msg.data.postgresql", qData, "invalid input syntax for", "value too long for type", "numeric field overflow", "integer out of range", "date/time field value out of range", "invalid byte sequence for encoding"),
	pat("msg.data.mysql", qData, "data too long for column", "out of range value for column", "incorrect integer value", "incorrect string value", "incorrect datetime value", "data truncated for column"),
	pat("msg.data.mssql", qData, "string or binary data would be truncated", "conversion failed when converting", "arithmetic overflow error converting", "error converting data type"),
	pat("msg.data.oracle", qData, "ora-01722", "value larger than specified precision", "value too large for column"),
	netPat("msg.division_by_zero", appArith, qData, "division by zero", "divide by zero", "divided by 0", "/ by zero", "modulo by zero"),
	pat("msg.permission.database", confPermission, "permission denied for", "permission was denied on the object", "insufficient privileges", "not authorized on", "noperm"),
	pat("msg.orm.sqlalchemy", qORM, "could not determine join condition", "failed to initialize", "could not locate column in row", "could not find table").regex(`could not determine join condition|mappers? .{0,80}failed to initialize|could not locate column in row|could not find table '[^']*' with which to generate a foreign key`),
	// golang/go src/database/sql/sql.go Rows.Scan "sql: Scan error on column index %d, name %q: %w"; convert.go
	// convertAssignRows "converting NULL to %s is unsupported", "unsupported Scan, storing driver.Value type %T into
	// type %T": a column's value that the destination type cannot hold (a NULL into a string) is the mapping's.
	pat("msg.orm.go_scan", qORM, "sql: scan error on column index", "unsupported scan, storing driver.value type"),
	pat("msg.orm.django", qORM, "cannot resolve keyword", "unknown field(s)", "has no field named"),
	pat("msg.orm.activerecord", qORM, "unknown attribute '", "association named", "could not find the association").regex(`unknown attribute '[^']*' for|association named '[^']*' was not found|could not find the association`),
	// Hibernate's session-side checks too, raised before or without a statement: hibernate-orm
	// org/hibernate/engine/internal/Nullability.java checkNullability (PropertyValueException "not-null property
	// references a null or transient value"), proxy/AbstractLazyInitializer.java ("could not initialize proxy [%s#%s] -
	// no Session"), collection/spi/AbstractPersistentCollection.java ("failed to lazily initialize a collection of
	// role"), engine/internal/ForeignKeys.java (TransientObjectException "object references an unsaved transient instance").
	pat("msg.orm.hibernate", qORM, "could not resolve property", "unknown entity", "is not mapped", "no persister for", "could not determine type for",
		"not-null property references a null or transient value", "could not initialize proxy", "failed to lazily initialize a collection",
		"object references an unsaved transient instance"),
	// Automattic/mongoose lib/error/cast.js formatMessage: "Cast to %s failed for value %s (type %s) at path \"%s\""
	// (before 6.0 without the type), " for model \"%s\"" after it: a value the schema type cannot hold, as 22P02.
	pat("msg.data.mongoose", qData, "cast to ").regex(`\bcast to \[?\w+\]? failed for value `),
	pat("msg.orm.typeorm", qORM, "no metadata for", "was not found in", "entity metadata").regex(`no metadata for "[^"]*" was found|property "[^"]*" was not found in "|entity metadata for .* was not found`),
	pat("msg.orm.efcore_model", qORM, "requires a primary key to be defined", "could not be translated", "the entity type").regex(`requires a primary key to be defined|the linq expression .* could not be translated|the entity type '[^']*' was not found`),
	pat("msg.no_rows.go", qNoRows, "sql: no rows in result set", "no rows in result set"),
	// typeorm/typeorm src/error/EntityNotFoundError.ts 0.3 (findOneOrFail, findOneByOrFail): "Could not find any entity
	// of type \"X\" matching: ..."; Automattic/mongoose lib/error/notFound.js 8.x (orFail): "No document found for query".
	pat("msg.no_rows.typeorm", qNoRows, "could not find any entity of type"),
	pat("msg.no_rows.mongoose", qNoRows, "no document found for query"),
	// ent/ent entc/gen/template/ent.tmpl NotFoundError.Error: "ent: <label> not found" (Only, First, Get of no row).
	pat("msg.no_rows.ent", qNoRows, "ent: ").regex(`(?:^|: )ent: [\w ]+ not found$`),
	// prisma/prisma-engines P2025 RecordsNotFound (KnownError of update, delete, connect and *OrThrow): "An operation
	// failed because it depends on one or more records that were required but not found. ..."
	pat("msg.no_rows.prisma", qNoRows, "depends on one or more records that were required but not found"),
	// go-gorm/gorm errors.go 1.25 ErrDuplicatedKey (TranslateError: true): a unique constraint the statement broke.
	// h2database h2/src/main/org/h2/res/_messages_en.prop 23505 "Unique index or primary key violation: {0}".
	pat("msg.constraint.h2", qConstraint, "unique index or primary key violation"),
	pat("msg.constraint.gorm", qConstraint, "duplicated key not allowed").regex(`(?:^|: )duplicated key not allowed$`),
	// go-redis: redis.Nil, the reply to a key that does not exist.
	// gorm errors.go: ErrRecordNotFound.
	pat("msg.no_rows.gorm", qNoRows, "record not found").regex(`(?:^|: )record not found$`),
	pat("msg.no_rows.redis", qNoRows, "redis: nil").regex(`(?:^|: )redis: nil$`),
	// mongo-go-driver mongo/errors.go ErrNoDocuments.
	pat("msg.no_rows.mongo", qNoRows, "mongo: no documents in result"),
	// ioredis MaxRetriesPerRequestError; node-redis (packages/client/lib/errors.ts) ClientOfflineError,
	// SocketClosedUnexpectedlyError: error classes without a name of their own (exception.type "Error").
	pat("msg.redis.unreachable", connRefused, "reached the max retries per request limit"),
	dbPat("msg.redis.offline", connRefused, "the client is offline"),
	// MySQL's and MariaDB's ER_OPTION_PREVENTS_STATEMENT (1290) where the driver or the application dropped its
	// number: "The MySQL server is running with the %s option so it cannot execute this statement" (MariaDB: "The
	// MariaDB server ..."); with --read-only or --super-read-only it is a write sent to a replica.
	// PostgreSQL src/backend/tcop/utility.c: "cannot execute %s in a read-only transaction" (PreventCommandIfReadOnly)
	// and, on a hot standby, "cannot execute %s during recovery" (PreventCommandDuringRecovery).
	pat("msg.pg.read_only", connReadOnly, "in a read-only transaction", "during recovery").regex(`cannot execute [a-z ]+ (?:in a read-only transaction|during recovery)`),
	pat("msg.mysql.read_only", connReadOnly, "option so it cannot execute this statement").regex(`running with the --(?:super-)?read[-_]only option`),

	// ---- database_connection: reset / refused / timeout / dns / tls ----
	// Rust drivers and pools, whose errors reach a log record as their Display alone: no type, no stack, and since
	// tokio-postgres 0.7.14 (rust-postgres c5d3442) not the source either; their words are database hints (dbHints),
	// and these rows decide what the generic words there do not. tokio-postgres src/error/mod.rs Display of Kind:
	// Timeout "timeout waiting for server" (connect_timeout elapsed), Io "error communicating with the server", Db
	// "db error" (the server's ErrorResponse, its SQLSTATE only in the source). deadpool src/managed/errors.rs
	// PoolError::Backend "Error occurred while creating a new object: %s" is a connection the pool could not open, and
	// a server's error there rejected it (authentication, an unknown database, too many clients: the export does not
	// say which). deadpool's create timeout is msg.pool.rust.create.
	pat("msg.connect.deadpool", connRefused, "error occurred while creating a new object: db error").regex(`error occurred while creating a new object: db error$`),
	pat("msg.connect_timeout.rust", connTimeout, "timeout waiting for server").regex(`(?:^|: )timeout waiting for server$`).notIn(ctxClient),
	pat("msg.connection_lost.rust", connReset, "error communicating with the server").regex(`(?:^|: )error communicating with the server$`).notIn(ctxClient),
	pat("msg.db_error.rust", qError, "db error").regex(`(?:^|: )db error$`),
	// mongo-go-driver x/mongo/driver/topology ServerSelectionError: "server selection error: %v, current topology: %s".
	pat("msg.mongo.server_selection", connRefused, "server selection error").with("connection refused"),
	pat("msg.mongo.server_selection_timeout", connTimeout, "server selection error"),
	// gRPC status names first: the code is more telling than the transport text.
	// hyperium/tonic tonic/src/status.rs 0.12 Display: "status: {code:?}, message: {message:?}, details: ..." (Rust gRPC).
	netPat("msg.grpc.tonic.deadline", depTimeout, dbStatementTimeout, "status: deadlineexceeded, message: "),
	netPat("msg.grpc.tonic.unavailable", depUnreachable, connUnavailable, "status: unavailable, message: "),
	netPat("msg.grpc.tonic", depRPC, qError, "status: ", ", message: \"").regex(`^status: [a-z]+, message: "`),
	// grpc-go before 1.4 (rpc_util.go rpcError.Error) printed the code as its number: "rpc error: code = %d desc = %s"
	// (codes/codes.go: 4 DeadlineExceeded, 14 Unavailable).
	netPat("msg.grpc.deadline", depTimeout, dbStatementTimeout, "code = deadlineexceeded", "statuscode.deadline_exceeded", "deadline_exceeded", "statuscode=\"deadlineexceeded\"", "rpc error: code = 4 desc = "),
	netPat("msg.grpc.unavailable", depUnreachable, connUnavailable, "code = unavailable", "statuscode.unavailable", "unavailable: io exception", "statuscode=\"unavailable\"", "unavailable: network closed", "rpc error: code = 14 desc = "),
	dbPat("msg.socket.database", connRefused, "no such file or directory").regex(`\.s\.pgsql|\.sock\b`),
	pat("msg.connection_lost.database", connReset, "server closed the connection unexpectedly", "terminating connection due to", "connection terminated unexpectedly",
		"mysql server has gone away", "lost connection to mysql server", "communications link failure", "an i/o error occurred while sending to the backend",
		"this connection has been closed", "driver: bad connection", "sql: database is closed", "client has encountered a connection error",
		"sql: connection is already closed"),
	dbPat("msg.connection_lost.generic", connReset, "socket closed unexpectedly", "invalid connection", "unexpected eof", "busy buffer", "commands out of sync", "connection is closed", "conn closed", "connection already closed"),
	// go-sql-driver/mysql errors.go 1.9 ErrInvalidConn "invalid connection": the driver's connection broke under a
	// statement (database/sql retries only driver.ErrBadConn), alone or wrapped by the handler, with no
	// database span (a database span's words are read by the row above).
	pat("msg.connection_lost.mysql_go", connReset, "invalid connection").regex(`(?:^|: )invalid connection$`),
	// urllib3 connection.py _new_conn: ConnectTimeoutError "Connection to %s timed out. (connect timeout=%s)", which
	// requests and urllib3's MaxRetryError carry ("Caused by ConnectTimeoutError(...)").
	// Android's libcore/io/IoBridge.java connectDetail: SocketTimeoutException "failed to connect to host/ip (port N) after
	// Nms" (with ": <errno>" after it when the connect failed otherwise); mongodb/node-mongodb-native 3.x
	// lib/core/connection/connection.js timeoutHandler: MongoNetworkError "connection N to host:port timed out".
	netPat("msg.connect_timeout", depUnreachable, connTimeout, "i/o timeout", "timeout expired", "connect timed out", "connection timed out", "etimedout", "server selection timed out",
		"while waiting to connect", "login timeout expired", "did not properly respond after a period of time", "connection timeout", "context deadline exceeded", "timeout", "(port ", " timed out").
		with("connect").regex(`dial tcp.*i/o timeout|connection timeout expired|connect timed out|connection timed out|connect etimedout|server selection timed out|while waiting to connect|login timeout expired|did not properly respond after a period of time|failed to connect to.*time|connection timeout|timed out\. \(connect timeout=|failed to connect to .{1,200} \(port \d+\) after \d+ms(?:$|\n)|\bconnection \d+ to [^\s\]]+ timed out`),
	// net/http's url.Error around a dial that timed out (net/url/url.go Error.Error: `%s %q: %s`, before Go 1.14 the
	// URL unquoted; aws-sdk-go's RequestError "send request failed" wraps it): nothing answered the call's connect.
	netPat("msg.http.dial_timeout", depUnreachable, connTimeout, "i/o timeout").
		regex(`\b(?:get|post|put|patch|delete|head|options) (?:"https?://[^"\s]+"|https?://\S+): dial tcp(?: \S+)?: i/o timeout`),
	// Go's dial that timed out (net/net.go OpError "dial tcp <addr>: i/o timeout", net/fd_unix.go connect) is a connect
	// that nothing answered in time, whatever the words around it; on a call it keeps the call's reading.
	// With no address (OpError.Addr nil: the dial's deadline passed before an address was dialled) it reads
	// "dial tcp: i/o timeout" (net/net.go OpError.Error writes the address only when there is one).
	pat("msg.connect_timeout.go_dial", connTimeout, "i/o timeout").regex(`\bdial (?:tcp|unix)(?: \S+)?: i/o timeout`).notIn(ctxPlain | ctxClient),
	// porsager/postgres src/errors.js connection(): Error "write <CODE> host:port" of connection.js's connectTimedOut
	// (CONNECT_TIMEOUT: connect_timeout elapsed) and closed (CONNECTION_CLOSED: the socket closed under queries).
	pat("msg.postgres_js.connect_timeout", connTimeout, "write connect_timeout ").regex(`(?:^|: )write connect_timeout `),
	pat("msg.postgres_js.connection_closed", connReset, "write connection_closed ").regex(`(?:^|: )write connection_closed `),
	// A host taken from a setting that was never set, as the client printed it: aiohttp's ClientConnectorError
	// "Cannot connect to host None:443" (connector.py, its host from yarl's URL, lower-cased: "none"), Node's
	// getaddrinfo of `undefined` (lib/dns.js: "getaddrinfo ENOTFOUND undefined", process.env.X unset).
	pat("msg.config_missing.host", confMissing, "cannot connect to host none:", "cannot connect to host null:", "cannot connect to host undefined:", "getaddrinfo enotfound undefined", "getaddrinfo eai_again undefined").
		regex(`cannot connect to host (?:none|null|undefined):\d+|getaddrinfo (?:enotfound|eai_again) undefined\b`),
	// .NET's resolver: a SocketException raised in System.Net.Dns (GetHostAddresses, InternalGetHostByName) is the
	// name's lookup, whatever errno it carries (dotnet/runtime src/libraries/System.Net.NameResolution NameResolutionPal.Unix.cs
	// maps getaddrinfo's EAI_AGAIN to SocketError.TryAgain, whose text on Linux is "Resource temporarily unavailable"),
	// as a driver's heartbeat prints it (MongoDB's cluster state).
	netPat("msg.dns.dotnet", depUnreachable, connDNS, "at system.net.dns.").regex(`socketexception[\s\S]{0,300}?\bat system\.net\.dns\.`),
	netPat("msg.dns", depUnreachable, connDNS, "no such host", "name or service not known", "nodename nor servname provided", "temporary failure in name resolution",
		"could not translate host name", "enotfound", "eai_again", "name does not resolve", "no address associated with hostname", "could not resolve host",
		"unknownhostexception", "name resolution", "getaddrinfo failed", "no such host is known", "hostname resolving error", "server can't find",
		// httplib2/httplib2 python3/httplib2/__init__.py _conn_request: ServerNotFoundError of socket.gaierror.
		"unable to find the server at",
		// nodejs/node lib/dns.js (0.10-0.12) errnoException: "libuv returns ENOENT on NXDOMAIN" (getaddrinfo ENOENT);
		// libuv include/uv.h UV_EAI_FAIL, a permanent failure of the name's resolution.
		"getaddrinfo enoent", "getaddrinfo eai_fail"),
	netPat("msg.tls", depTLS, connTLS, "x509: certificate", "tls: failed to verify certificate", "certificate verify failed", "ssl handshake failed", "pkix path building failed",
		"the remote certificate is invalid", "tls handshake", "ssl routines", "self-signed certificate", "self signed certificate", "unable to verify the first certificate",
		"certificate has expired", "wrong version number", "sslhandshakeexception", "handshake_failure",
		// Go net/http client.go: a TLS handshake answered in plain HTTP (ErrSchemeMismatch since Go 1.21).
		"server gave http response to https client",
		// libcurl's OpenSSL backend (lib/vtls/openssl.c): "SSL certificate problem: %s" of X509_verify_cert_error_string,
		// curl error 60 (CURLE_PEER_FAILED_VERIFICATION) as Guzzle and PHP's curl report it.
		"ssl certificate problem"),
	netPat("msg.connection_refused", depUnreachable, connRefused, "connection refused", "econnrefused", "actively refused", "no connection could be made", "can't connect to mysql server",
		"can't connect to local mysql server", "could not connect to server", "a network-related or instance-specific error occurred", "tns:no listener", "unable to connect to",
		"failed to establish a new connection", "connection to server at", "can't reach database server at",
		// CPython asyncio (selector_events.py sock_connect): OSError "Connect call failed ('host', port)"; anyio's
		// connect_tcp (under httpcore/httpx): OSError "All connection attempts failed".
		"connect call failed", "all connection attempts failed", "refused. check that the hostname and port", "connect failed", "cannot connect to host", "error connecting to", "couldn't connect to server"),
	// SqlClient's Snix_Connect ("A network-related or instance-specific error occurred while establishing a connection
	// to SQL Server", msg.connection_refused's words) in its translations (Strings.<culture>.resx).
	netPat("msg.connection_refused.mssql_localized", depUnreachable, connRefused, "došlo k chybě související se sítí nebo s instancí", "netzwerkbezogener oder instanzspezifischer fehler",
		"error relacionado con la red o específico de la instancia", "une erreur liée au réseau ou spécifique à l'instance", "errore di rete o specifico dell'istanza",
		"ネットワーク関連またはインスタンス固有のエラー", "네트워크 관련 또는 인스턴스 관련 오류", "błąd związany z siecią lub wystąpieniem", "erro de rede ou específico à instância",
		"ошибка, связанная с сетью или с определенным экземпляром", "ağla ilgili veya örneğe özel bir hata", "与网络相关的或特定于实例的错误", "發生網路相關或執行個體特定的錯誤"),
	// Npgsql NpgsqlConnector.Open: "Failed to connect to {endpoint}" (older: "Exception while connecting"), its
	// socket error inside.
	// neo4j/neo4j-python-driver 1.x neo4j/bolt/connection.py _connect: ServiceUnavailable "Failed to establish
	// connection to {!r} (reason {})" of the socket's errno when it is 61, 99, 111 or 10061 (a refusal, no address).
	pat("msg.connect_refused.neo4j", connRefused, "failed to establish connection to").regex(`failed to establish connection to .{1,200} \(reason (?:61|99|111|10061)\)`),
	// tediousjs/tedious src/connection.ts connectTimeout: ConnectionError("Failed to connect to <server>[:<port>|\<instance>]
	// in <connectTimeout>ms", 'ETIMEOUT') (node-mssql passes it on): the server did not complete the connect in time.
	pat("msg.connect_timeout.tedious", connTimeout, "failed to connect to").regex(`failed to connect to \S+ in\s+\d+ms`),
	dbPat("msg.connect_failed.database", connRefused, "failed to connect to", "exception while connecting"),
	netPat("msg.unreachable", depUnreachable, connRefused, "no route to host", "ehostunreach", "network is unreachable", "enetunreach", "host is down", "host unreachable"),
	// libpq src/interfaces/libpq/fe-secure-openssl.c pgtls_read/pgtls_write: "SSL SYSCALL error: EOF detected" (the
	// server's end closed), "SSL SYSCALL error: %s" of the socket's errno, "SSL connection has been closed
	// unexpectedly": the TLS connection to the server was lost under the statement.
	pat("msg.connection_lost.libpq_ssl", connReset, "ssl syscall error:", "ssl connection has been closed unexpectedly"),
	// go-sql-driver/mysql packets.go readPacket: its logger (log.Lshortfile, "[mysql] ") prints "packets.go:NN:
	// unexpected EOF" (ErrInvalidConn) and "closing bad idle connection: EOF" (conncheck, 1.5+) of a connection the
	// server closed.
	pat("msg.connection_lost.go_mysql", connReset, "packets.go:").regex(`packets\.go:\d+: (?:unexpected eof|closing bad idle connection: (?:eof|unexpected eof|connection reset))`),
	// lib/pq ssl.go ssl(): "unsupported sslmode %q; only \"require\" (default), \"verify-full\", \"verify-ca\", and
	// \"disable\" supported": the connection string's sslmode is one lib/pq does not take.
	pat("msg.pq.unsupported_sslmode", confInvalid, "unsupported sslmode"),
	// Oracle JDBC's ORA-17067 "Invalid Oracle URL specified" (DatabaseError), under UCP's "Unable to start the Universal
	// Connection Pool": the configured URL does not parse.
	pat("msg.oracle.invalid_url", confInvalid, "invalid oracle url specified"),
	// Oracle UCP's UCP-29 "All connections in the Universal Connection Pool are in use" in its zh_CN resource bundle
	// (trinodb/trino#6801).
	pat("msg.pool.ucp.zh", connPool, "中的所有连接均在使用中"),
	// vertx-sql-client (and reactive-pg-client before it) SocketConnection.schedule: a command on a connection that is
	// no longer open fails with VertxException("Connection not open " + status), CLOSED once the server or the
	// network dropped it.
	dbPat("msg.connection_lost.vertx_sql", connReset, "connection not open closed"),
	netPat("msg.connection_reset", depUnreachable, connReset, "connection reset", "econnreset", "socket hang up", "forcibly closed by the remote host", "connection aborted",
		"remotedisconnected", "remote end closed connection", "server disconnected", "broken pipe", "epipe", "eof occurred in violation of protocol", "connection closed by peer",
		"unexpected end of stream", "premature close", "connection prematurely closed", "connection was closed", "the connection was closed unexpectedly", "connection lost"),

	// ---- resource_exhaustion ----
	pat("msg.threads", resThreads, "unable to create new native thread", "unable to create native thread", "can't start new thread", "pthread_create failed",
		"thread pool exhausted", "threadpool exhausted", "thread pool is exhausted", "rejected from java.util.concurrent", "thread starvation", "the thread pool is full",
		"resource temporarily unavailable").regex(`unable to create (?:new )?native thread|can't start new thread|pthread_create failed|thread ?pool (?:is )?exhausted|rejected from java\.util\.concurrent|thread starvation|the thread pool is full|resource temporarily unavailable.*thread|thread.*resource temporarily unavailable`),
	pat("msg.oom", resOOM, "out of memory", "cannot allocate memory", "enomem", "java heap space", "gc overhead limit exceeded", "metaspace", "std::bad_alloc",
		"heap limit allocation failed", "insufficient system memory", "unable to allocate", "memory limit exceeded", "exceeded memory limit", "oom-kill", "failed to allocate memory", "memoryerror", "outofmemoryerror"),
	pat("msg.disk_full", resDisk, "no space left on device", "enospc", "disk full", "disk quota exceeded", "edquot", "could not extend file", "filegroup is full",
		"is full due to", "unable to extend", "not enough space on the disk", "there is not enough space on the disk", "insufficient disk space", "diskfull",
		// Windows' ERROR_DISK_FULL (112) text on a zh-CN system, as .NET's WinIOError gives it for a failed
		// FileStream.Write (openhardwaremonitor/openhardwaremonitor#225).
		"磁盘空间不足").
		regex(`no space left on device|enospc|disk full|disk quota exceeded|edquot|could not extend file|filegroup is full|is full due to|unable to extend (?:table|index|temp)|not enough space on the disk|insufficient disk space|diskfull|磁盘空间不足`),
	// php-src Zend/zend_alloc.c zend_mm_safe_error: memory_limit reached.
	pat("msg.oom.php", resOOM, "allowed memory size of").regex(`allowed memory size of \d+ bytes exhausted`),
	pat("msg.mysql_table_full", resDisk, "is full").regex(`\bthe table '[^']*' is full`),
	pat("msg.open_files", resFiles, "too many open files", "emfile", "enfile", "file table overflow"),

	// ---- configuration_error ----
	// kelseyhightower/envconfig Process: "required key %s missing value"; heetch/confita config.go (Load):
	// "required key '%s' for field '%s' not found", the same check of another Go loader.
	// rust-lang/rust library/std/src/env.rs VarError::NotPresent, as unwrap() prints its Debug: env::var("X").unwrap()
	// of an unset variable panics "called `Result::unwrap()` on an `Err` value: NotPresent".
	pat("msg.env_missing.rust_unwrap", confMissing, "notpresent").regex(`value: notpresent$`),
	pat("msg.env_missing", confMissing, "environment variable", "env var", "envvar", "required key", "could not resolve placeholder", "declare it as envvar").
		regex(`environment variables? .{0,80}(?:not set|is not set|missing|required|undefined|not defined|not found|is empty|must be set|not present)|(?:missing|required|undefined|unset)(?: required)? (?:environment|env) var|env var .{0,80}(?:not set|missing|required|not present)|environment variable not found|required key .{1,80} (?:missing value|for field .{1,80} not found)|could not resolve placeholder|declare it as envvar`),
	// A framework or SDK refusing to work without its secret: pallets/flask src/flask/sessions.py 3.1 NullSession._fail
	// (no SECRET_KEY: the session of every request fails), expressjs/session index.js 1.18 (next(new Error(...)) when
	// no secret is set), openai/openai-python src/openai/_client.py 1.x (and the other Stainless-generated SDKs).
	pat("msg.secret_missing.framework", confSecret, "the session is unavailable because no secret key was set", "secret option required for sessions", "the api_key client option must be set"),
	// Settings a library requires and was not given: pallets-eco/flask-sqlalchemy src/flask_sqlalchemy/extension.py 3.1
	// init_app, the AWS SDKs' region (boto/botocore botocore/exceptions.py NoRegionError, aws/aws-sdk-go-v2
	// aws/... MissingRegionError, aws/aws-sdk-java-v2 regions/providers/AwsRegionProviderChain.java).
	pat("msg.config_missing.library", confMissing, "either 'sqlalchemy_database_uri' or 'sqlalchemy_binds' must be set", "you must specify a region.", "an aws region is required, but was not found",
		"unable to load region from any of the providers in the chain"),
	// laravel/framework src/Illuminate/Encryption/EncryptionServiceProvider.php key(): an empty APP_KEY
	// (MissingAppKeyException since 8.x, RuntimeException before) "No application encryption key has been specified."
	pat("msg.secret_missing", confSecret, "no application encryption key has been specified", "secret_key_base", "secret_key setting must not be empty", "unable to locate credentials", "nocredentialproviders",
		"failed to retrieve credentials", "could not load credentials", "default credentials were not found", "could not load the default credentials",
		"secretorprivatekey must have a value", "no credentials", "missing credentials", "secret not found", "missing secret"),
	pat("msg.secret_file", confSecret, fileMissing...).
		regex(`\.(?:pem|key|crt|cer|p12|pfx|jks|keystore)\b|/run/secrets/|/var/run/secrets/`).notIn(ctxClient),
	pat("msg.config_file", confMissing, fileMissing...).
		regex(`\.(?:ya?ml|json|toml|ini|conf|cfg|env|properties|config|hcl)\b`).notIn(ctxClient),
	pat("msg.template_file", confMissing, append(fileMissing, "does not exist")...).
		regex(templateFile).notIn(ctxClient),
	// spf13/viper ConfigFileNotFoundError.Error(): "Config File %q Not Found in %q" (ReadInConfig found no file of
	// the configured name on its search paths).
	pat("msg.config_file.viper", confMissing, "\" not found in \"").regex(`config file "[^"]*" not found in "`),
	// EF6 LazyInternalConnection (Strings.DbContext_ConnectionStringNotFound): "No connection string named '%s' could be
	// found in the application config file." (a DbContext named a connection string the config does not have).
	pat("msg.config_missing.ef6", confMissing, "could be found in the application config file"),
	// micronaut-core AbstractInitializableBeanDefinition: "Error resolving property value [${x}]. Property doesn't
	// exist" (field injection: "Error resolving field value [...]. Property doesn't exist or cannot be converted"),
	// when only its text reaches the span, without the DependencyInjectionException's type.
	pat("msg.config_missing.micronaut", confMissing, "property doesn't exist").regex(`error resolving (?:property|field) value \[[^\]]*\]\. property doesn't exist`),
	// micronaut-core DependencyInjectionException (inject/.../exceptions/DependencyInjectionException.java): "Error
	// resolving property value [${x}]. Unable to convert value [v] to target type [T] due to: ..." of a property set
	// to what does not convert (java-micronaut config_not_an_int).
	pat("msg.config_invalid.micronaut", confInvalid, "unable to convert value").regex(`error resolving (?:property|field) value \[[^\]]*\]\. unable to convert value`),
	// koanf getters.go: Must*(path) panics "invalid value: %s=%v" when the value is the type's empty one; an empty
	// string, slice or map printed after "=" is a key nothing set (go-mux config_missing).
	pat("msg.config_missing.koanf", confMissing, "invalid value: ").regex(`^invalid value: [\w.\-]+=(?:\[\]|map\[\])?$`),
	// dotenvx validateEnvExample (--validate): "[VALIDATION_FAILED] missing required (DATABASE_URL, API_KEY)".
	pat("msg.config_missing.dotenvx", confMissing, "[validation_failed] missing required ("),
	// SqlClient's "Instance failure." (SQL_InstanceFailure, TdsParser.Connect): the data source names an instance it
	// cannot resolve, typically a backslash doubled by the JSON or string it was written in.
	pat("msg.config_invalid.sqlclient_instance", confInvalid, "instance failure.").with("sqlclient").regex(`(?:^|: )instance failure\.$`),
	// django/conf/__init__.py LazySettings._setup: "Requested %s, but settings are not configured. You must either
	// define the environment variable DJANGO_SETTINGS_MODULE or call settings.configure() before accessing settings."
	pat("msg.config_missing.django", confMissing, "but settings are not configured"),
	// Template engines' own not-found words: golang/go src/text/template/exec.go ExecuteTemplate ("template: no template
	// %q associated with template %q"), src/html/template/template.go lookupAndEscapeTemplate ("html/template: %q is
	// undefined"), gofiber/template html/html.go Render ("render: template %s does not exist"), sqlalchemy/mako
	// mako/lookup.py TemplateLookup.get_template ("Cant locate template for uri %r"), PebbleTemplates/pebble
	// LoaderException ("Could not find template"), spullara/mustache.java MustacheNotFoundException ("Template %s not
	// found"), Keats/tera src/errors.rs ErrorKind::TemplateNotFound ("Template '%s' not found").
	pat("msg.template_missing.engines", confMissing, "no template \"", "is undefined", "render: template ", "cant locate template for uri", "could not find template", " not found").
		regex(`template: no template "[^"]*" associated with template|html/template: "[^"]*" is undefined|render: template \S+ does not exist|cant locate template for uri|could not find template|^template '?[\w./-]+'? not found`),
	// Twig src/Loader/FilesystemLoader.php findTemplate: "Unable to find template \"%s\" (looked into: %s)."
	// apache/velocity-engine ResourceManagerImpl.loadResource: ResourceNotFoundException "Unable to find resource '%s'
	// in any resource loader."
	pat("msg.template_missing", confMissing, "failed to lookup view", "template not found", "templatedoesnotexist", "pattern matches no files", "no such template",
		"unable to find template", "' in any resource loader"),
	// A setting the configuration source lacks: lightbend/config ConfigException.Missing, node-config
	// lib/config.js get(), SmallRye Config SRCFG00014, MicroProfile Config.
	// ADO.NET's DbConnection.Open (SqlClient, Npgsql) on an empty connection string; Django's get_secret idiom
	// ("Set the {} environment variable", ImproperlyConfigured).
	// sethvargo/go-envconfig lookup(): "%w: %s" of ErrMissingRequired ("missing required value") and the variable.
	// ilyakaznacheev/cleanenv checkRequired: `field %q is required but the value is not provided`.
	pat("msg.config_missing", confMissing, "no configuration setting found for key", "is not defined", "srcfg00014", "could not be found in any config source",
		"connectionstring property has not been initialized", "environment variable", "missing required value: ", "is required but the value is not provided").
		regex(`no configuration setting found for key|configuration property "[^"]*" is not defined|srcfg00014|is required but it could not be found in any config source|connectionstring property has not been initialized|set the \w+ environment variable|missing required value: [a-z][a-z0-9_]*$|is required but the value is not provided`),
	// A value the configuration source cannot bind: .NET ConfigurationBinder, Spring Boot's Binder,
	// kelseyhightower/envconfig ParseError, caarlos0/env ParseError, lightbend/config ConfigException.WrongType.
	// dotenv-safe up to v5 (MissingEnvVarsError.js): "The following variables are defined in <example> but are not
	// defined in the environment: ..."; v6 and later "... were defined in <example> but are not present in the environment".
	pat("msg.config_missing.dotenv", confMissing, "are not present in the environment", "but are not defined in the environment"),
	// zoontek/valienv EnvValidationError: "Some environment variables cannot be validated", then (0.2.1 and later)
	// "Invalid variables: ..." and "Missing variables: ..."; a message listing only missing ones is missing_config,
	// one that does not say (earlier versions) is read as invalid_config (msg.invalid_config), as t3-env's is.
	pat("msg.config_invalid.valienv", confInvalid, "invalid variables:").with("environment variables cannot be validated"),
	pat("msg.config_missing.valienv", confMissing, "missing variables:").with("environment variables cannot be validated"),
	// Rust: config-rs src/error.rs ConfigError::NotFound `configuration property "x" not found`; envy
	// src/error.rs MissingValue "missing value for field x"; serde's missing_field as config-rs and figment
	// (src/error.rs Kind::MissingField, " for key \"...\"" after it) report it, alone or after a configuration's
	// context, where a JSON body's says " at line N column M" and a query string's "Failed to deserialize".
	// config-rs 0.15 says NotFound (serde's missing_field too) as `missing configuration field "x"`.
	pat("msg.config_missing.rust", confMissing, "configuration property", "missing configuration field \"", "missing value for field ", "missing field `").
		regex(`configuration property "[^"]*" not found|missing configuration field "[^"]+"|^missing value for field \w+$|(?:^|(?:config|configuration|settings|env|environment)\w*: )missing field ` + "`[^`]+`" + `(?:$| for key ")`),
	// Go loaders' own messages: ardanlabs/conf conf.go Parse "required field %s is missing value"; vrischmann/envconfig
	// envconfig.go readValue "envconfig: keys %s not found". nestjs/config lib/config.service.ts getOrThrow: TypeError `Configuration key "X" does not exist`
	// (node-nestjs config_missing), also read when only its text reaches the span.
	pat("msg.config_missing.loader", confMissing, "is missing value", "envconfig: keys ", "configuration key \"").
		regex(`required field \w+ is missing value|envconfig: keys .{1,200} not found|configuration key "[^"]*" does not exist`),
	// A URL built from a setting that was never set: requests models.py prepare_url MissingSchema "Invalid URL
	// 'None/charge': No scheme supplied", undici lib/web/fetch/request.js "Failed to parse URL from undefined/charge",
	// Go net/http transport.go roundTrip's `unsupported protocol scheme ""` (os.Getenv returned "").
	// The JDK HttpClient's HttpRequestBuilderImpl.checkURI "unsupported URI null/charge"; OkHttp HttpUrl.Builder.parse
	// "Expected URL scheme 'http' or 'https' but no scheme was found for null/cha..."; aiohttp's InvalidURL, whose
	// text is the URL ("None/charge").
	// dotnet/runtime src/libraries/System.Net.Http/src/Resources/Strings.resx net_http_client_invalid_requesturi:
	// a relative request URI and no BaseAddress configured.
	pat("msg.config_missing.base_address", confMissing, "the request uri must be an absolute uri or baseaddress must be set"),
	// encode/httpx httpx/_client.py 0.28 _transport_for_url: UnsupportedProtocol "Request URL is missing an 'http://' or
	// 'https://' protocol." of a base URL built from an unset or empty setting (f"{None}/charge", OPENAI_BASE_URL=""),
	// raised before any request is sent; the message does not carry the URL.
	pat("msg.config_missing.scheme", confMissing, "request url is missing an 'http://' or 'https://' protocol"),
	pat("msg.config_missing.url", confMissing, "invalid url '", "failed to parse url from ", `unsupported protocol scheme ""`, "unsupported uri ", "no scheme was found for ", "none/", "null/", "undefined/").
		regex(`invalid url '(?:none|null|undefined)\b|failed to parse url from (?:none|null|undefined)\b|unsupported protocol scheme ""|unsupported uri (?:null|undefined)/|no scheme was found for (?:null|undefined)\b|^(?:none|null|undefined)/[\w/-]*$`),
	// go-playground/validator errors.go fieldError.Error: "Key: '%s' Error:Field validation for '%s' failed on
	// the '%s' tag" of a struct the configuration was loaded into (Config, AppConfig, Settings, Env); a request
	// struct's keeps its words.
	pat("msg.config_missing.validator", confMissing, "error:field validation for").
		regex(configValidation + `'required' tag`),
	pat("msg.config_invalid.validator", confInvalid, "error:field validation for").
		regex(configValidation + `'[^']+' tag`),
	// A configuration file's value of the wrong type, as Go's decoders say it: golang/go src/encoding/json/decode.go
	// UnmarshalTypeError ("json: cannot unmarshal string into Go struct field Config.page_size of type int"; goccy/go-yaml
	// and go-ini word it alike) into a configuration struct (a request struct's keeps its words), BurntSushi/toml
	// decode.go ("incompatible types: TOML value has type string; destination has type integer") and pelletier/go-toml
	// v2 ("toml: cannot decode TOML string into struct field ..."): TOML is read for configuration. Jackson alike:
	// FasterXML/jackson-databind JsonMappingException's " (through reference chain: com.acme.ShopConfig[\"pageSize\"])"
	// of a class named for configuration.
	pat("msg.config_invalid.decode", confInvalid, "cannot unmarshal", "incompatible types: toml value has type", "cannot decode toml ", "through reference chain: ").
		regex(`cannot unmarshal \S+ into go struct field \w*(?:config|configuration|settings|env|environment)\.[\w.]+ of type|incompatible types: toml value has type \S+; destination has type|toml: cannot decode toml \w+ into struct field|cannot deserialize value of type [\s\S]{1,300}through reference chain: [\w.$]*(?:config|configuration|settings|properties)\["`),
	// A Spring placeholder handed to a boolean property as it stands, "${name}" unresolved (PropertyPlaceholderHelper
	// with ignoreUnresolvablePlaceholders): spring-beans CustomBooleanEditor.setAsText "Invalid boolean value [%s]", a
	// property that was never set (a number's parse of one is java.NumberFormatException.placeholder).
	pat("msg.config_missing.placeholder", confMissing, "${").regex(unresolvedPlaceholderExpr),
	pat("msg.config_invalid", confInvalid, "failed to convert configuration value at", "failed to bind properties under", "envconfig.process: assigning", "env: parse error on field", "rather than").
		regex(`failed to convert configuration value at|failed to bind properties under|envconfig\.process: assigning|env: parse error on field|has type [a-z]+ rather than [a-z]+`),
	// config-rs ConfigError::Type "invalid type: %s, expected %s for key `k`" and figment Kind::InvalidType
	// "invalid type: found %s, expected %s for key \"k\""; envy's Val deserializer "%s while parsing value '%s'
	// provided by %s"; SmallRye Config's conversion messages (ConfigMessages: SRCFG00002, 00005-00009, 00026,
	// 00029-00032, and 00039 "The config property %s with the config value %s threw an Exception whilst being
	// converted"), printed without frames by Quarkus' logs.
	// sqlx-core src/error.rs Error::Configuration "error with configuration: %s": a DATABASE_URL that does not parse.
	pat("msg.config_invalid.sqlx", confInvalid, "error with configuration: "),
	// SmallRye's SRCFG00050 "%s in %s does not map to any root" (ConfigMappingProvider's validation): a property set
	// that no configuration mapping declares.
	pat("msg.config_invalid.loader", confInvalid, "invalid type: ", "while parsing value '", "srcfg000").
		regex(`invalid type: .{1,200}, expected .{1,120} for key |while parsing value '[^']*' provided by |srcfg000(?:0[25-9]|26|29|3[0-2]|39|50)\b`),
	// golang/go src/flag/flag.go FlagSet.parseOne: "invalid value %q for flag -%s: %v", "invalid boolean value %q for
	// -%s: %v"; spf13/pflag flag.go: "invalid argument %q for %q flag: %v": a command-line flag that does not convert.
	pat("msg.config_invalid.flag", confInvalid, "for flag -", "invalid boolean value \"", "\" flag: ").
		regex(`invalid value ".*" for flag -[\w.-]+: |invalid boolean value ".*" for -[\w.-]+: |invalid argument ".*" for "[^"]*" flag: `),
	// rails activerecord/lib/active_record/database_configurations/connection_url_resolver.rb (6.0:
	// connection_specification.rb) ConnectionUrlResolver#initialize: raise "Database URL cannot be empty" if url.blank?
	pat("msg.config_invalid.database_url", confInvalid, "database url cannot be empty"),
	// t3-oss/t3-env packages/core/src/index.ts createEnv (onValidationError): throw Error("Invalid environment
	// variables") once it has logged the schema's issues; the idiom of hand-written env schemas too.
	// A schema of the environment whose every issue is zod's "Required" (zod v3 src/locales/en.ts: an invalid_type
	// issue whose received value is undefined), listed as NAME: message after "Invalid environment variables" (the
	// t3-env idiom of flatten().fieldErrors): variables that are not set. One other issue makes it invalid_config.
	pat("msg.config_missing.env_schema", confMissing, "invalid environment variables").
		regex(`invalid environment variables:?\s*\n(?:[ \t]*[a-z][a-z0-9_]*: required[ \t]*(?:\n|$))+$`),
	pat("msg.invalid_config", confInvalid, "invalid environment variables", "environment variables cannot be validated", "invalid configuration", "configuration error", "invalid config", "misconfigured", "improperlyconfigured", "yaml: unmarshal errors",
		"format of the initialization string does not conform", "invalid connection string", "forgotten import", "no suitable driver found", "cannot load driver class",
		"failed to configure a datasource", "invalid dsn", "keyword not supported:", "configuration is invalid", "invalid value for setting", "unknown driver"),
	pat("msg.permission_denied", confPermission, "permission denied", "eacces", "operation not permitted", "eperm", "access to the path", "accessdenied", "access denied").notIn(ctxClient),

	// ---- application_exception (runtime errors named in messages) ----
	// golang/go src/text/template/exec.go evalField: "nil pointer evaluating %s.%s", a template's field of a nil pointer.
	pat("msg.null.go", appNull, "invalid memory address or nil pointer dereference", "nil pointer dereference", "assignment to entry in nil map", "nil pointer evaluating "),
	pat("msg.null.js", appNull, "cannot read properties of undefined", "cannot read properties of null", "cannot set properties of undefined", "cannot set properties of null",
		"undefined is not an object", "null is not an object", "cannot destructure property").regex(`cannot (?:read|set) propert(?:y|ies) .*(?:of )?(?:undefined|null)|(?:undefined|null) is not an object|cannot destructure property`),
	pat("msg.null.js_old", appNull, "cannot read property '").regex(`cannot read property '[^']*' of (?:undefined|null)`),
	pat("msg.null.python", appNull, "'nonetype' object"),
	pat("msg.null.ruby", appNull, "for nil:nilclass", "for nil").regex(`undefined method .{1,80} for nil\b`),
	pat("msg.null.php", appNull, "on null", "of non-object").regex(`(?:call to a member function .{1,80}|attempt to (?:read|assign) property .{1,80}|trying to access array offset on value of type null|trying to get property .{0,80}) (?:on null|of non-object)|on value of type null`),
	// Rust core option.rs: Option::unwrap on None (a panic, often caught by tower-http's CatchPanicLayer).
	pat("msg.null.rust", appNull, "called `option::unwrap()` on a `none` value"),
	pat("msg.null.dotnet", appNull, "object reference not set to an instance of an object", "value cannot be null"),
	pat("msg.null.java", appNull, "nullpointerexception", "because the return value of", "is null").regex(`nullpointerexception|cannot invoke "[^"]*" because .{1,120} is null|because the return value of .{1,120} is null`),
	pat("msg.type.go", appType, "interface conversion:"),
	// golang/go src/encoding/json/decode.go UnmarshalTypeError.Error: "json: cannot unmarshal %s into Go struct field
	// %s.%s of type %s" and "json: cannot unmarshal %s into Go value of type %s": a JSON value of the wrong type for
	// its Go destination (a configuration struct's is msg.config_invalid.decode, above).
	pat("msg.type.go_json", appType, "json: cannot unmarshal ").regex(`json: cannot unmarshal .{1,80}? into go (?:struct field \S+ of type|value of type) `),
	// FasterXML/jackson-databind ser/impl/UnknownSerializer.java failForEmpty: "No serializer found for class %s and no
	// properties discovered to create BeanSerializer" (InvalidDefinitionException): a type Jackson cannot serialize.
	pat("msg.type.jackson", appType, "no serializer found for class"),
	// dotnet/runtime src/libraries/System.Text.Json/src/Resources/Strings.resx DeserializeUnableToConvertValue "The
	// JSON value could not be converted to {0}." and its inner FormatException's "Either the JSON value is not in a
	// supported format, or is out of bounds for an {0}." (FormatInt32 and the other numeric kinds).
	pat("msg.type.system_text_json", appType, "the json value could not be converted to", "either the json value is not in a supported format"),
	// Kotlin's cast of a null to a non-null type (`x as String`, a platform type's null): the compiler's intrinsic
	// throws NullPointerException "null cannot be cast to non-null type kotlin.String", a null, not a type's cast.
	pat("msg.null.kotlin", appNull, "null cannot be cast to non-null type"),
	pat("msg.type.java", appType, "cannot be cast to", "unable to cast object of type"),
	pat("msg.type.js", appType, "is not a function", "is not a constructor", "is not iterable"),
	pat("msg.type.python", appType, "unsupported operand type", "object is not subscriptable", "object is not callable", "object is not iterable", "can only concatenate str", "must be str, not", "object has no attribute"),
	pat("msg.type.ruby", appType, "no implicit conversion of", "undefined method"),
	pat("msg.type.php", appType, "must be of type", "unsupported operand types"),
	pat("msg.index", appIndex, "index out of range", "slice bounds out of range", "out of bounds for length", "index was outside the bounds of the array", "index was out of range",
		"arrayindexoutofbounds", "undefined offset", "invalid array length", "list index out of range", "string index out of range", "index out of bounds"),
	pat("msg.key", appKey, "was not present in the dictionary", "undefined array key", "undefined index", "no value present", "key not found"),
	pat("msg.assertion", appAssert, "assertion failed", "err_assertion", "assertionerror", "assert failed"),
	pat("msg.arithmetic", appArith, "arithmetic operation resulted in an overflow", "integer overflow", "floating point exception"),
	pat("msg.stack_overflow", appStack, "maximum call stack size exceeded", "maximum recursion depth exceeded", "stack level too deep", "goroutine stack exceeds", "stack overflow", "stackoverflowerror"),
	pat("msg.go_fatal", appPanic, "concurrent map writes", "concurrent map read and map write", "all goroutines are asleep"),

	// ---- dependency_failure (RPC and HTTP clients) ----
	netPat("msg.grpc.other", depRPC, qError, "rpc error: code = ", "statuscode.", "status(statuscode=", "grpc status"),
	// resilience4j BulkheadFullException's own words, without its type: "Bulkhead '%s' is full and does not permit
	// further calls" (and "... is full and thread was interrupted during permission wait"), before the circuit's.
	pat("msg.bulkhead_full", resThreads, "bulkhead '").regex(`bulkhead '[^']*' is full and (?:does not permit further calls|thread was interrupted)`),
	pat("msg.circuit_open", depUnreachable, "circuit breaker is open", "circuitbreaker", "circuit is open", "the circuit is now open", "breaker is open", "does not permit further calls").
		regex(`circuit ?breaker.{0,60}(?:open|does not permit)|circuit is (?:now )?open|breaker is open|does not permit further calls`),
	pat("msg.http.gateway_timeout", depTimeout, "504 gateway timeout", "gateway timeout", "gateway time-out", "504 gateway time-out"),
	// Clients that put the status first: aio-libs/aiohttp aiohttp/client_exceptions.py 3.12 ClientResponseError.__str__
	// ("{status}, message={reason!r}, url={url!r}", raise_for_status; its client span then has no status attribute);
	// sindresorhus/got source/core/errors.ts 14.4 HTTPError ("Response code {statusCode} ({statusMessage})").
	pat("msg.http.5xx.status_first", dep5xx, ", message=", "response code 5").regex(`^5\d\d, message=|^response code 5\d\d \(`).notIn(ctxDB),
	// boto/botocore botocore/exceptions.py 1.40: EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError of an
	// AWS (or S3-compatible) endpoint; botocore retries and then raises these with no HTTP status.
	// seanmonstar/reqwest src/error.rs 0.12 Display of Kind::Request: "error sending request for url (...)", the connect
	// or send failed; the source chain, when recorded (tracing's error.chain), says more and is read first.
	pat("msg.http.reqwest_send", depUnreachable, "error sending request for url (").regex(`error sending request for url \([^)\s]*\)$`).notIn(ctxDB),
	// unjs/ofetch src/error.ts 1.4 createFetchError: "[GET] \"url\": 500 Internal Server Error" (Nuxt's $fetch).
	// hashicorp/go-retryablehttp client.go Client.Do: "%s %s giving up after %d attempt(s)" with no error after it when
	// CheckRetry retried every answer (5xx, 429) and no attempt failed to connect; with ": %w" the error decides.
	pat("msg.http.retries_exhausted", dep5xx, "giving up after").regex(`giving up after \d+ attempt\(s\)$`).notIn(ctxDB),
	// googleapis/google-http-java-client HttpResponseException.computeMessageBuffer: the status code and reason first
	// ("500 Internal Server Error"), the request or the body on the lines after it.
	pat("msg.http.5xx.status_line", dep5xx, " server error", "bad gateway", "service unavailable", "gateway timeout").
		regex(`^5\d\d (?:internal server error|bad gateway|service unavailable|gateway timeout)(?:\n|$)`).notIn(ctxDB),
	pat("msg.http.5xx.ofetch", dep5xx, "]").regex(`^\[(?:get|post|put|patch|delete|head|options)\] "[^"]*": 5\d\d\b`).notIn(ctxDB),
	// oven-sh/bun src/bun.js/webcore/fetch.zig: error.ConnectionRefused of fetch() (err.code "ConnectionRefused").
	// dotnet/runtime System.Net.Requests Strings.resx net_servererror "The remote server returned an error: ({0}) {1}."
	// (HttpWebRequest's WebException of a 5xx answer).
	pat("msg.http.5xx.webexception", dep5xx, "the remote server returned an error: (5").regex(`the remote server returned an error: \(5\d\d\)`).notIn(ctxDB),
	// IBM/sarama errors.go ErrOutOfBrokers "kafka: client has run out of available brokers to talk to": no broker answered.
	// nats-io/nats.go nats.go ErrNoServers, nats-io/nats.py nats/errors.py NoServersError: no server of the
	// connection's list answered; Go errors carry no type, so its words decide (wrapped or in a panic).
	pat("msg.nats.no_servers", depUnreachable, "nats: no servers available for connection"),
	pat("msg.kafka.sarama_out_of_brokers", depUnreachable, "kafka: client has run out of available brokers to talk to"),
	// apache/kafka clients/src/main/java/org/apache/kafka/clients/producer/KafkaProducer.java waitOnMetadata:
	// TimeoutException "Topic %s not present in metadata after %d ms." when no broker gave the topic's metadata
	// within max.block.ms (spring-kafka wraps it in KafkaException "Send failed").
	// Before 2.x the producer's waitOnMetadata said "Failed to update metadata after %d ms." (kafka 0.9-1.x). librdkafka's
	// RD_KAFKA_RESP_ERR__TRANSPORT is "Local: Broker transport failure" (src/rdkafka.c rd_kafka_err_descs): a broker
	// the client could not reach or lost.
	pat("msg.kafka.metadata", depUnreachable, "not present in metadata after", "failed to update metadata after", "local: broker transport failure"),
	// Netflix/ribbon ribbon-loadbalancer/src/main/java/com/netflix/loadbalancer/LoadBalancerContext.java
	// getServerFromLoadBalancer: ClientException "Load balancer does not have available server for client: %s", no
	// instance of the called service registered or alive (Feign and Zuul over Ribbon).
	pat("msg.lb.no_servers", depUnreachable, "load balancer does not have available server"),
	// A markup page (an HTML error page, a proxy's) parsed as a JSON body, as each parser words a '<' at the start:
	// node-fetch src/body.js json() "invalid json response body at %s reason: %s" (FetchError 'invalid-json'), V8's
	// JSON.parse "Unexpected token < in JSON at position 0" (Node 20: "Unexpected token '<', \"<!DOCTYPE \"... is not
	// valid JSON"), Newtonsoft.Json JsonTextReader.ParseValue "Unexpected character encountered while parsing value:
	// <. Path '', line 0, position 0.", jackson-core ParserMinimalBase "Unexpected character ('<' (code 60)): expected
	// a valid value", Go encoding/json scanner.go "invalid character '<' looking for beginning of value".
	pat("msg.http.markup_body", depBadResponse, "invalid json response body at ", "unexpected token < in json at position 0", "unexpected token '<', \"<", "while parsing value: <. path ''",
		"unexpected character ('<' (code 60)): expected a valid value", "invalid character '<' looking for beginning of value").
		regex(`invalid json response body at |unexpected token < in json at position 0|unexpected token '<', "<|while parsing value: <\. path '', line [01], position [01]\.|unexpected character \('<' \(code 60\)\): expected a valid value|^(?:[^\n]*: )?invalid character '<' looking for beginning of value`),
	pat("msg.http.bun_fetch", depUnreachable, "unable to connect. is the computer able to access the url?"),
	pat("msg.http.aws_endpoint", depUnreachable, "could not connect to the endpoint url:", "connect timeout on endpoint url:"),
	pat("msg.http.aws_endpoint.read_timeout", depTimeout, "read timeout on endpoint url:"),
	pat("msg.http.5xx", dep5xx, "server error for url", "server error '5", "response status code does not indicate success: 5", "request failed with status code 5",
		"http error 5", "502 bad gateway", "503 service unavailable", "bad gateway", "service unavailable", "upstream connect error", "no healthy upstream", "status code 5",
		"unexpected status code: 5", "returned status 5", "non-2xx status code: 5", "internal server error").
		regex(`server error for url|server error '5\d\d|response status code does not indicate success: 5\d\d|request failed with status code 5\d\d|http error 5\d\d|502 bad gateway|503 service unavailable|bad gateway|service unavailable|upstream connect error|no healthy upstream|status code:? 5\d\d|returned status 5\d\d|5\d\d internal server error.{0,40}(?:from|for|on) (?:post|get|put|patch|delete|url|http)`).notIn(ctxDB),
	pat("msg.http.429", depRateLimited, "too many requests").regex(`too many requests for url|429 too many requests.{0,40}(?:from|for|on) (?:post|get|put|patch|delete|url|http)|status code 429|status code: 429`),
	netPat("msg.context_deadline", depTimeout, dbCanceled, "context deadline exceeded"),
	// tokio-rs/tokio tokio/src/time/error.rs Elapsed's Display: tokio::time::timeout gave up on the future (a call,
	// a query, a pool's get); the origin decides which, as for Go's deadline.
	netPat("msg.timeout.tokio", depTimeout, dbCanceled, "deadline has elapsed"),

	// golang/go net/http transport.go errRequestCanceled: on an outgoing call's span, the client gave up
	// on the call (Client.Timeout, whose url.Error adds "(Client.Timeout exceeded ...)" on the caller's side).
	{rule: "msg.canceled.go_http", any: []string{"net/http: request canceled"}, ctxOutcomes: ctxOutcomes{client: depTimeout, skip: ctxPlain | ctxDB}},
	netPat("msg.timeout.http", depTimeout, dbStatementTimeout, "read timed out", "readtimeout", "timeout of ", "client.timeout exceeded", "the request was canceled due to the configured httpclient.timeout",
		"aborted due to timeout", "operation timed out", "net::readtimeout", "execution expired", "timeout awaiting response headers", "headers timeout", "request timed out",
		"response timeout", "socket timeout", "sockettimeout", "esockettimedout", "und_err_headers_timeout", "und_err_connect_timeout", "deadline exceeded", "timed out", "timeout").
		regex(`read timed out|readtimeout|timeout of \d+ ?ms exceeded|client\.timeout exceeded|configured httpclient\.timeout|aborted due to timeout|operation timed out|net::readtimeout|execution expired|timeout awaiting response headers|headers timeout|request timed out|response timeout|socket ?timeout|esockettimedout|und_err_\w*timeout|deadline exceeded|timed out|\btimeout\b|i/o timeout|etimedout`),
	dbPat("msg.context_canceled", dbCanceled, "context canceled"),

	// ---- security ----
	pat("msg.abuse.rate", secAbuse, "too many requests", "rate limit exceeded", "ratelimitexceeded", "rate limit reached", "throttled", "requestnotpermitted").inClient(depRateLimited),
	pat("msg.abuse.payload", secAbuse, "request entity too large", "payload too large", "request body too large", "maximum upload size exceeded", "exceeds its maximum permitted size",
		"data_upload_max", "request header fields too large", "request line is too large", "request header too large", "max request body size", "body exceeded", "too many fields").notIn(ctxClient),
	pat("msg.abuse.host", secAbuse, "invalid http_host header", "disallowedhost", "suspiciousoperation", "csrf token", "invalid csrf"),

	// ---- panics (last resort, also looked for in the stack trace) ----
	pat("msg.panic.rust", appPanic, "panicked at").inStack(),
	pat("msg.panic.go", appPanic, "panic: ", "runtime/panic.go", "panic({", "goroutine ").regex(`(?:^|\n|: )panic: |runtime/panic\.go|panic\(\{|goroutine \d+ \[running\]`).inStack(),
}

// reThreadPoolStats is one of StackExchange.Redis's thread-pool counts in a timeout's message (lower case).
var reThreadPoolStats = regexp.MustCompile(`(?:iocp|worker): \(busy=(\d+),free=\d+,min=(\d+),max=\d+\)`)

// threadPoolThrottled reports whether a pool's busy threads exceed its minimum (the pool grows slowly past it).
// unresolvedPlaceholderExpr: the boolean editor's words around a "${name}" left as it stands.
const unresolvedPlaceholderExpr = `invalid boolean value \[\$\{[^}\s]+\}`

var reUnresolvedPlaceholder = regexp.MustCompile(unresolvedPlaceholderExpr)

func threadPoolThrottled(seg string) bool {
	for _, m := range reThreadPoolStats.FindAllStringSubmatch(seg, 2) {
		busy, err1 := strconv.Atoi(m[1])
		lim, err2 := strconv.Atoi(m[2])
		if err1 == nil && err2 == nil && busy > lim {
			return true
		}
	}
	return false
}

// configValidation is go-playground/validator's failure of a field of a configuration struct, before its tag.
const configValidation = `key: '\w*(?:config|configuration|settings|env|environment)\.[\w.]+' error:field validation for '[^']+' failed on the `

// fileMissing: what the platforms say of a file that is not there (POSIX ENOENT, Node, Java, .NET, Windows'
// ERROR_FILE_NOT_FOUND "The system cannot find the file specified." and ERROR_PATH_NOT_FOUND "The system cannot
// find the path specified.", which Go's os errors carry on Windows).
var fileMissing = []string{"no such file or directory", "enoent", "cannot find the file", "cannot find the path specified", "could not find file", "filenotfound", "nosuchfile", "file not found", "could not find a part of the path"}
