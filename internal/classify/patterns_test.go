package classify

import (
	"testing"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// goErr: a Go error recorded by otelhttp/otelsql: the type says nothing.
func goErr(msg string) diagnosis.Evidence { return ex("*fmt.wrapError", msg) }

// goDB: a Go database span whose status description carries the error.
func goDB(system, msg string) diagnosis.Evidence {
	return diagnosis.Evidence{Kind: diagnosis.KindDB, Depth: 1, DBSystem: system, StatusMessage: msg, StatusError: true}
}

var patternCases = register([]tc{
	// configuration_error: settings a configuration source lacks or cannot bind
	{"msg.config_missing", "configuration_error/missing_config", ex("com.typesafe.config.ConfigException$Missing", `application.conf @ file:/app/conf/application.conf: 3: No configuration setting found for key 'payment'`)},
	{"msg.config_missing", "configuration_error/missing_config", ex("Error", `Configuration property "payments.url" is not defined`)},
	{"msg.config_missing", "configuration_error/missing_config", ex("System.InvalidOperationException", `The ConnectionString property has not been initialized.`)},
	{"msg.config_missing", "configuration_error/missing_config", ex("django.core.exceptions.ImproperlyConfigured", `Set the SECRET_KEY environment variable`)},
	{"msg.pool.dotnet", "database_connection/pool_exhausted", ex("MySqlConnector.MySqlException", `Connect Timeout expired. All pooled connections are in use.`)},
	{"msg.config_invalid.decode", "configuration_error/invalid_config", goErr(`load config: json: cannot unmarshal string into Go struct field Config.page_size of type int`)},
	{"msg.config_invalid.decode", "configuration_error/invalid_config", goErr(`config.toml: toml: line 3 (last key "page_size"): incompatible types: TOML value has type string; destination has type integer`)},
	{"msg.config_invalid.decode", "configuration_error/invalid_config", goErr(`toml: cannot decode TOML string into struct field main.Config.PageSize of type int`)},
	{"msg.config_invalid.decode", "configuration_error/invalid_config", ex("com.fasterxml.jackson.databind.exc.InvalidFormatException", "Cannot deserialize value of type `int` from String \"twenty\": not a valid `int` value\n at [Source: (File); line: 3, column: 14] (through reference chain: com.acme.shop.ShopConfig[\"pageSize\"])")},
	// The same decoders' words of a request struct are the request's.
	{"generic.exception", "application_exception/unhandled_exception", ex("com.fasterxml.jackson.databind.exc.InvalidFormatException", "Cannot deserialize value of type `int` from String \"twenty\": not a valid `int` value\n at [Source: REDACTED; line: 1, column: 14] (through reference chain: com.acme.shop.OrderIn[\"quantity\"])")},
	{"msg.type.go_json", "application_exception/type_error", ex("*json.UnmarshalTypeError", `json: cannot unmarshal string into Go struct field OrderIn.quantity of type int`)},
	{"msg.config_invalid", "configuration_error/invalid_config", ex("System.InvalidOperationException", `Failed to convert configuration value at 'Pool:Size' to type 'System.Int32'.`)},
	{"msg.config_missing.placeholder", "configuration_error/missing_config", ex("java.lang.IllegalArgumentException", `Invalid boolean value [${shop.cache.enabled}]`)},
	{"msg.config_invalid", "configuration_error/invalid_config", ex("org.springframework.boot.context.properties.bind.BindException", `Failed to bind properties under 'app.pool-size' to int`)},
	{"msg.config_invalid", "configuration_error/invalid_config", goErr(`envconfig.Process: assigning APP_POOL_SIZE to PoolSize: converting 'abc' to type int. details: strconv.ParseInt: parsing "abc": invalid syntax`)},
	{"msg.config_invalid", "configuration_error/invalid_config", goErr(`env: parse error on field "Port" of type "int": strconv.ParseInt: parsing "abc": invalid syntax`)},
	{"msg.config_invalid", "configuration_error/invalid_config", ex("com.typesafe.config.ConfigException$WrongType", `application.conf @ file:/app/conf/application.conf: 4: pool.size has type STRING rather than NUMBER`)},
	// config-rs, figment and envy (Rust: no type, no stack) and SmallRye Config's frameless conversion messages.
	{"msg.config_invalid.loader", "configuration_error/invalid_config", ex("", "invalid type: string \"twenty\", expected an integer for key `page_size` in the environment")},
	{"msg.config_invalid.loader", "configuration_error/invalid_config", ex("", `invalid type: found string "twenty", expected u16 for key "default.port" in APP_ environment variable(s)`)},
	{"msg.config_invalid.loader", "configuration_error/invalid_config", ex("", `invalid digit found in string while parsing value 'twenty' provided by page_size`)},
	{"msg.config_invalid.loader", "configuration_error/invalid_config", ex("java.lang.NumberFormatException", `SRCFG00029: Expected an integer value, got "twenty"`)},
	{"msg.config_invalid.loader", "configuration_error/invalid_config", ex("java.lang.IllegalArgumentException", `SRCFG00039: The config property shop.page-size with the config value "twenty" threw an Exception whilst being converted`)},
	{"msg.config_invalid.loader", "configuration_error/invalid_config", ex("io.smallrye.config.ConfigValidationException", "Configuration validation failed:\n\tSRCFG00050: shop.pagesize in EnvConfigSource does not map to any root")},
	// Go's flag package and pflag: a flag's value that does not convert, the strconv error after it.
	{"msg.config_invalid.flag", "configuration_error/invalid_config", goErr(`invalid value "twenty" for flag -page-size: parse error`)},
	{"msg.config_invalid.flag", "configuration_error/invalid_config", goErr(`invalid boolean value "maybe" for -debug: parse error`)},
	{"msg.config_invalid.flag", "configuration_error/invalid_config", goErr(`invalid argument "twenty" for "-p, --page-size" flag: strconv.ParseInt: parsing "twenty": invalid syntax`)},
	{"msg.config_invalid.database_url", "configuration_error/invalid_config", exs("RuntimeError", "Database URL cannot be empty",
		"/usr/local/bundle/gems/activerecord-6.1.4/lib/active_record/database_configurations/connection_url_resolver.rb:25:in `initialize'\n")},
	{"msg.config_missing.rust", "configuration_error/missing_config", ex("", `configuration property "payments.url" not found`)},
	{"msg.config_missing.rust", "configuration_error/missing_config", ex("", "missing field `payments_url`")},
	{"msg.config_missing.rust", "configuration_error/missing_config", ex("", "missing field `payments_url` for key \"default.payments_url\" in APP_ environment variable(s)")},
	{"msg.config_missing.rust", "configuration_error/missing_config", ex("", "loading config: missing field `payments_url`")},
	{"msg.config_missing.rust", "configuration_error/missing_config", ex("", `missing value for field payments_url`)},
	{"msg.config_missing.rust", "configuration_error/missing_config", ex("", `settings: missing configuration field "payments_url"`)},
	// A request body's or query string's missing field keeps the application's words.
	{"generic.exception", "application_exception/unhandled_exception", ex("", "Failed to deserialize the JSON body into the target type: missing field `quantity` at line 1 column 2")},
	{"generic.exception", "application_exception/unhandled_exception", ex("", "Failed to deserialize query string: missing field `page`")},
	// go-playground/validator on the configuration's struct; a request struct keeps the application's words.
	{"msg.config_missing.validator", "configuration_error/missing_config", goErr("Key: 'Config.PaymentsURL' Error:Field validation for 'PaymentsURL' failed on the 'required' tag")},
	{"msg.config_invalid.validator", "configuration_error/invalid_config", goErr("Key: 'AppConfig.PageSize' Error:Field validation for 'PageSize' failed on the 'min' tag")},
	{"generic.exception", "application_exception/unhandled_exception", goErr("Key: 'OrderRequest.Quantity' Error:Field validation for 'Quantity' failed on the 'required' tag")},
	// Go loaders' and NestJS's ConfigService's missing values.
	{"msg.config_missing.loader", "configuration_error/missing_config", goErr("parsing config: required field PaymentsURL is missing value")},
	{"msg.config_missing.loader", "configuration_error/missing_config", goErr("envconfig: keys PAYMENTS_URL, payments_url not found")},
	{"msg.config_missing.loader", "configuration_error/missing_config", st(`Configuration key "PAYMENTS_URL" does not exist`)},
	// A URL built from an unset setting; a relative URL of the code's own keeps its words.
	{"msg.config_missing.url", "configuration_error/missing_config", ex("requests.exceptions.MissingSchema", "Invalid URL 'None/charge': No scheme supplied. Perhaps you meant https://None/charge?")},
	{"msg.config_missing.url", "configuration_error/missing_config", ex("TypeError", "Failed to parse URL from undefined/charge")},
	{"msg.config_missing.url", "configuration_error/missing_config", goErr(`charge: Post "/charge": unsupported protocol scheme ""`)},
	{"lang.TypeError", "application_exception/type_error", ex("TypeError", "Failed to parse URL from /api/v1/charge")},
	{"msg.config_missing.url", "configuration_error/missing_config", ex("java.lang.IllegalArgumentException", "unsupported URI null/charge")},
	{"msg.config_missing.url", "configuration_error/missing_config", ex("java.lang.IllegalArgumentException", "Expected URL scheme 'http' or 'https' but no scheme was found for null/cha...")},
	{"msg.config_missing.url", "configuration_error/missing_config", ex("aiohttp.client_exceptions.InvalidUrlClientError", "None/charge")},
	{"msg.config_missing.scheme", "configuration_error/missing_config", ex("httpx.UnsupportedProtocol", "Request URL is missing an 'http://' or 'https://' protocol.")},
	{"msg.config_missing.base_address", "configuration_error/missing_config", ex("System.InvalidOperationException", "An invalid request URI was provided. Either the request URI must be an absolute URI or BaseAddress must be set.")},
	// bot-ssttkkl/nonebot-plugin-pixivbot#148 (a setting left "None"); Node's getaddrinfo of an unset process.env host.
	{"msg.config_missing.host", "configuration_error/missing_config", ex("aiohttp.client_exceptions.ClientConnectorError", "Cannot connect to host none:443 ssl:default [getaddrinfo failed]")},
	{"msg.config_missing.host", "configuration_error/missing_config", ex("Error", "getaddrinfo ENOTFOUND undefined")},
	// A host of that name's prefix is a host.
	{"msg.dns", "dependency_failure/upstream_unreachable", ex("aiohttp.client_exceptions.ClientConnectorError", "Cannot connect to host nonexistent.example:443 ssl:default [Name or service not known]")},
	// Kafka's producer with no metadata from any broker; Ribbon with no instance to call.
	{"msg.kafka.metadata", "dependency_failure/upstream_unreachable", ex("org.apache.kafka.common.errors.TimeoutException", "Failed to update metadata after 60000 ms.")},
	{"msg.kafka.metadata", "dependency_failure/upstream_unreachable", goErr("Local: Broker transport failure")},
	{"msg.kafka.metadata", "dependency_failure/upstream_unreachable", exs("org.springframework.kafka.KafkaException", "Send failed; nested exception is org.apache.kafka.common.errors.TimeoutException: Topic orders not present in metadata after 60000 ms.",
		"org.springframework.kafka.KafkaException: Send failed; nested exception is org.apache.kafka.common.errors.TimeoutException: Topic orders not present in metadata after 60000 ms.\n\tat org.springframework.kafka.core.KafkaTemplate.doSend(KafkaTemplate.java:574)\n\tat com.acme.shop.OrderEvents.publish(OrderEvents.java:30)\n"+
			"Caused by: org.apache.kafka.common.errors.TimeoutException: Topic orders not present in metadata after 60000 ms.\n")},
	{"msg.lb.no_servers", "dependency_failure/upstream_unreachable", exs("com.netflix.client.ClientException", "Load balancer does not have available server for client: payments",
		"com.netflix.client.ClientException: Load balancer does not have available server for client: payments\n\tat com.netflix.loadbalancer.LoadBalancerContext.getServerFromLoadBalancer(LoadBalancerContext.java:483)\n\tat com.netflix.loadbalancer.reactive.LoadBalancerCommand$1.call(LoadBalancerCommand.java:184)\n\tat com.acme.shop.PaymentsClient.charge(PaymentsClient.java:20)\n")},
	{"generic.exception", "application_exception/unhandled_exception", ex("requests.exceptions.MissingSchema", "Invalid URL 'charge': No scheme supplied. Perhaps you meant https://charge?")},
	{"msg.config_invalid.sqlx", "configuration_error/invalid_config", ex("", "error with configuration: relative URL without a base")},
	// database_connection: pools, limits, authentication
	{"msg.pool.hikari", "database_connection/pool_exhausted", ex("org.springframework.jdbc.CannotGetJdbcConnectionException", `Failed to obtain JDBC Connection; nested exception is java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30004ms.`)},
	{"msg.pool.sqlalchemy", "database_connection/pool_exhausted", ex("sqlalchemy.exc.OperationalError", `QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00`)},
	// StackExchange.Redis's timeout with the thread pool past its minimum (1.x and 2.x wording); under it, Redis's wait.
	{"msg.redis.stackexchange.thread_pool", "resource_exhaustion/thread_pool_exhausted", ex("StackExchange.Redis.RedisTimeoutException", `Timeout performing GET cart:42 (5000ms), next: GET cart:42, inst: 0, qu: 0, qs: 12, aw: False, in: 0, serverEndpoint: redis:6379, mgr: 10 of 10 available, IOCP: (Busy=0,Free=1000,Min=4,Max=1000), WORKER: (Busy=61,Free=32706,Min=4,Max=32767), v: 2.6.122.38350`)},
	{"msg.redis.stackexchange.thread_pool", "resource_exhaustion/thread_pool_exhausted", ex("System.TimeoutException", `Timeout performing GET cart:42, inst: 1, mgr: Inactive, err: never, queue: 9, qu: 0, qs: 9, qc: 0, wr: 0, wq: 0, in: 0, ar: 0, IOCP: (Busy=12,Free=988,Min=8,Max=1000), WORKER: (Busy=3,Free=32764,Min=8,Max=32767)`)},
	{"db.StatementTimeout", "database_timeout/statement_timeout", ex("StackExchange.Redis.RedisTimeoutException", `Timeout performing GET cart:42 (5000ms), inst: 0, qu: 0, qs: 1, in: 0, serverEndpoint: redis:6379, IOCP: (Busy=0,Free=1000,Min=4,Max=1000), WORKER: (Busy=2,Free=32765,Min=4,Max=32767)`)},
	// SqlClient's execution timeout and network error in French and Japanese (a SqlException, its SQL Server words).
	{"msg.timeout.statement.mssql.localized", "database_timeout/statement_timeout", ex("Microsoft.Data.SqlClient.SqlException", `Le délai d'exécution a expiré. Le délai d'attente s'est écoulé avant la fin de l'opération ou le serveur ne répond pas.`)},
	{"msg.timeout.statement.mssql.localized", "database_timeout/statement_timeout", ex("System.Data.SqlClient.SqlException", `実行タイムアウトの期限が切れました。操作完了前にタイムアウト期間が過ぎたか、サーバーが応答していません。`)},
	{"msg.connection_refused.mssql_localized", "database_connection/connection_refused", ex("Microsoft.Data.SqlClient.SqlException", `Une erreur liée au réseau ou spécifique à l'instance s'est produite lors de l'établissement d'une connexion à SQL Server. Le serveur est introuvable ou n'est pas accessible.`)},
	{"msg.connection_refused.mssql_localized", "database_connection/connection_refused", ex("System.Data.SqlClient.SqlException", `在与 SQL Server 建立连接时出现与网络相关的或特定于实例的错误。未找到或无法访问服务器。`)},
	// SqlClient's German and Simplified Chinese ADP_PooledOpenTimeout, under System.Data's frames.
	{"msg.pool.dotnet.localized", "database_connection/pool_exhausted", exs("System.InvalidOperationException", `Timeout abgelaufen. Das Zeitlimit ist vor dem Anfordern einer Verbindung aus dem Pool abgelaufen. Möglicherweise werden alle Verbindungen im Pool bereits verwendet, und die maximale Poolgröße wurde erreicht.`,
		"System.InvalidOperationException: Timeout abgelaufen. Das Zeitlimit ist vor dem Anfordern einer Verbindung aus dem Pool abgelaufen. Möglicherweise werden alle Verbindungen im Pool bereits verwendet, und die maximale Poolgröße wurde erreicht.\n   bei System.Data.ProviderBase.DbConnectionFactory.TryGetConnection(DbConnection owningConnection)\n   bei Shop.Data.Orders.Load()")},
	{"msg.pool.dotnet.localized", "database_connection/pool_exhausted", ex("System.InvalidOperationException", `超时时间已到。超时时间已到，但是尚未从池中获取连接。出现这种情况可能是因为所有池连接均在使用，并且达到了最大池大小。`)},
	{"msg.pool.dotnet", "database_connection/pool_exhausted", ex("System.InvalidOperationException", `Timeout expired.  The timeout period elapsed prior to obtaining a connection from the pool.  This may have occurred because all pooled connections were in use and max pool size was reached.`)},
	{"msg.pool.activerecord", "database_connection/pool_exhausted", ex("ActiveRecord::ActiveRecordError", `could not obtain a connection from the pool within 5.000 seconds (waited 5.002 seconds); all pooled connections were in use`)},
	// sportngin/okcomputer#91: Rails 4.0's wording.
	{"msg.pool.activerecord", "database_connection/pool_exhausted", st(`Error: 'could not obtain a database connection within 5.000 seconds (waited 5.000 seconds)'`)},
	// aselab/scala-activerecord#49: BoneCP with connections not released.
	{"msg.pool.bonecp", "database_connection/pool_exhausted", ex("java.sql.SQLException", `Timed out waiting for a free available connection.`)},
	{"msg.pool.node", "database_connection/pool_exhausted", ex("Error", `timeout exceeded when trying to connect`)},
	{"msg.pool.prisma", "database_connection/pool_exhausted", ex("Error", `Timed out fetching a new connection from the connection pool. More info: http://pris.ly/d/connection-pool`)},
	{"msg.pool.redis", "database_connection/pool_exhausted", goErr(`get cart: redis: connection pool timeout`)},
	{"msg.pool.redis", "database_connection/pool_exhausted", goErr(`redis: connection pool: was not able to get a healthy connection after 3 attempts`)},
	{"msg.pool.java", "database_connection/pool_exhausted", ex("org.apache.commons.dbcp.SQLNestedException", `Cannot get a connection, pool error Timeout waiting for idle object`)},
	{"msg.pool.go", "database_connection/pool_exhausted", goDB("postgresql", `failed to acquire connection: context deadline exceeded`)},
	// A handler's error of redigo's pool (no database span, no stack): the cache's pool, not the handler.
	{"msg.pool.redigo", "database_connection/pool_exhausted", goErr(`cart cache: redigo: connection pool exhausted`)},
	{"msg.connect_failed.database", "database_connection/connection_refused", dbx("postgresql", "Npgsql.NpgsqlException", `Failed to connect to 127.0.0.1:40123`)},
	{"msg.no_rows.gorm", "database_query/no_rows", goDB("postgresql", `load order: record not found`)},
	{"msg.no_rows.prisma", "database_query/no_rows", ex("PrismaClientKnownRequestError", "\nInvalid `prisma.order.update()` invocation:\n\n\nAn operation failed because it depends on one or more records that were required but not found. Record to update not found.")},
	{"msg.constraint.gorm", "database_query/constraint_violation", goErr(`create user: duplicated key not allowed`)},
	{"msg.no_rows.ent", "database_query/no_rows", goErr(`load order: ent: order not found`)},
	{"msg.no_rows.typeorm", "database_query/no_rows", ex("EntityNotFoundError", "Could not find any entity of type \"Order\" matching: {\n    \"id\": 7\n}")},
	{"msg.no_rows.mongoose", "database_query/no_rows", ex("DocumentNotFoundError", `No document found for query "{ _id: new ObjectId('665f1c2e8b3a4d0012345678') }" on model "Order"`)},
	{"msg.mongo.server_selection", "database_connection/connection_refused", goErr(`find cart: server selection error: context deadline exceeded, current topology: { Type: Unknown, Servers: [{ Addr: 127.0.0.1:40123, Type: Unknown, Last error: dial tcp 127.0.0.1:40123: connect: connection refused }, ] }`)},
	{"msg.mongo.server_selection_timeout", "database_connection/connect_timeout", goErr(`server selection error: context deadline exceeded, current topology: { Type: Unknown, Servers: [{ Addr: db:27017, Type: Unknown }, ] }`)},
	{"msg.config_missing.dotenv", "configuration_error/missing_config", ex("MissingEnvVarsError", "The following variables were defined in .env.example but are not present in the environment:\n  STRIPE_KEY")},
	// combine/universal-react-redux#32: dotenv-safe 4's wording.
	{"msg.config_missing.dotenv", "configuration_error/missing_config", ex("MissingEnvVarsError", "The following variables are defined in .env.example but are not defined in the environment: APPLICATION_PORT, ASSET_HOST.\nMake sure to add them to .env or directly to the environment.")},
	// spf13/viper#390: ReadInConfig found no config.yaml on its paths (as the Go error alone).
	{"msg.config_file.viper", "configuration_error/missing_config", goErr(`Config File "config.yaml" Not Found in "[/etc]"`)},
	// spf13/viper#853: Go's os error on Windows (ERROR_PATH_NOT_FOUND).
	{"msg.config_file", "configuration_error/missing_config", goErr(`parse config file fail: open config/in-local.toml: The system cannot find the path specified.`)},
	// dotnet/roslyn#23295: EF6 without the named connection string in app.config.
	{"msg.config_missing.ef6", "configuration_error/missing_config", ex("System.InvalidOperationException", `No connection string named 'ConnectionName' could be found in the application config file.`)},
	// seqeralabs/nf-tower#151: Micronaut's text alone, as Netty's router logged it.
	{"msg.config_invalid.micronaut", "configuration_error/invalid_config", ex("io.micronaut.context.exceptions.DependencyInjectionException",
		"Failed to inject value for parameter [pageSize] of class: blind.shop.Settings$Paging\n\nMessage: Error resolving property value [${shop.page-size}]. Unable to convert value [twenty] to target type [int] due to: For input string: \"twenty\"\nPath Taken: new Settings$Paging(int pageSize)")},
	{"msg.config_missing.koanf", "configuration_error/missing_config", goErr("invalid value: PAYMENTS_URL=")},
	{"msg.config_missing.koanf", "configuration_error/missing_config", goErr("invalid value: payments.hosts=[]")},
	// MustInt of a value that does not parse and of an unset one both print 0: the words do not say which.
	{"generic.exception", "application_exception/unhandled_exception", goErr("invalid value: PAGE_SIZE=0")},
	{"msg.config_missing.micronaut", "configuration_error/missing_config", st("Unexpected error occurred: Failed to inject value for parameter [trustedEmails] of method [setTrustedEmails] of class: io.seqera.tower.service.UserServiceImpl\n\nMessage: Error resolving property value [${tower.trusted-emails}]. Property doesn't exist")},
	// dotenvx/dotenvx#907.
	{"msg.config_missing.dotenvx", "configuration_error/missing_config", st(`[VALIDATION_FAILED] missing required (DATABASE_URL, API_KEY)`)},
	// An environment schema whose issues are all zod's "Required"; one of another kind keeps it invalid.
	{"msg.config_missing.env_schema", "configuration_error/missing_config", ex("", "Invalid environment variables:\n DATABASE_URL: Required\n OPENAI_API_KEY: Required")},
	{"msg.invalid_config", "configuration_error/invalid_config", ex("", "Invalid environment variables:\n DATABASE_URL: Required\n PORT: Expected number, received string")},
	// OrchardCMS/OrchardCore#856: a connection string's doubled backslash.
	{"msg.config_invalid.sqlclient_instance", "configuration_error/invalid_config", exs("System.InvalidOperationException", "Instance failure.", "System.InvalidOperationException: Instance failure.\n   at System.Data.SqlClient.TdsParser.Connect(ServerInfo serverInfo, SqlInternalConnectionTds connHandler, Boolean ignoreSniOpenTimeout, Int64 timerExpire, Boolean encrypt, Boolean trustServerCert, Boolean integratedSecurity, Boolean withFailover)")},
	// joke2k/django-environ#273: a script that imports Django's settings without DJANGO_SETTINGS_MODULE.
	{"msg.config_missing.django", "configuration_error/missing_config", ex("django.core.exceptions.ImproperlyConfigured", `Requested setting FILE_DB, but settings are not configured. You must either define the environment variable DJANGO_SETTINGS_MODULE or call settings.configure() before accessing settings.`)},
	// zoontek/valienv: EnvValidationError with its lists (src/index.ts, 0.2.1+), and without (zoontek/valienv#3).
	{"msg.config_missing.valienv", "configuration_error/missing_config", ex("EnvValidationError", "Some environment variables cannot be validated\nMissing variables: USER_EMAIL, SERVER_URL")},
	{"msg.config_invalid.valienv", "configuration_error/invalid_config", ex("EnvValidationError", "Some environment variables cannot be validated\nInvalid variables: NODE_ENV, SERVER_PORT\nMissing variables: USER_EMAIL")},
	{"msg.invalid_config", "configuration_error/invalid_config", ex("Error", "Some environment variables cannot be validated")},
	{"msg.no_rows.redis", "database_query/no_rows", goDB("redis", `get session: redis: nil`)},
	// mongo-go-driver mongo/errors.go ErrNoDocuments.
	{"msg.no_rows.mongo", "database_query/no_rows", goErr(`find order: mongo: no documents in result`)},
	{"msg.redis.unreachable", "database_connection/connection_refused", ex("Error", `Reached the max retries per request limit (which is 20). Refer to "maxRetriesPerRequest" option for details.`)},
	// alibaba/druid#3886, top-think/thinkphp#16, osTicket/osTicket#2937 (MariaDB), bitpoke/mysql-operator#689.
	{"msg.pg.read_only", "database_connection/read_only_replica", dbx("postgresql", "", `cannot execute INSERT during recovery`)},
	{"msg.pg.read_only", "database_connection/read_only_replica", ex("Error", `cannot execute UPDATE in a read-only transaction`)},
	{"msg.mysql.read_only", "database_connection/read_only_replica", ex("java.sql.SQLException", `The MySQL server is running with the --read-only option so it cannot execute this statement`)},
	{"msg.mysql.read_only", "database_connection/read_only_replica", ex("", `[REPLACE INTO ost_session SET session_id='v'] The MariaDB server is running with the --read-only option so it cannot execute this statement`)},
	{"msg.mysql.read_only", "database_connection/read_only_replica", ex("", `WordPress database error The MySQL server is running with the --super-read-only option so it cannot execute this statement`)},
	{"generic.db_error", "database_query/query_error", ex("", `The MySQL server is running with the --secure-file-priv option so it cannot execute this statement`)},
	{"msg.redis.offline", "database_connection/connection_refused", exs("Error", `The client is offline`, "Error: The client is offline\n    at RedisClient._RedisClient_sendCommand (/app/node_modules/@redis/client/dist/lib/client/index.js:520:31)")},
	{"msg.connection_lost.generic", "database_connection/connection_reset", exs("Error", `Socket closed unexpectedly`, "Error: Socket closed unexpectedly\n    at Socket.<anonymous> (/app/node_modules/@redis/client/dist/lib/client/socket.js:194:118)")},
	{"msg.connection_refused", "database_connection/connection_refused", ex("PrismaClientInitializationError", "Can't reach database server at `127.0.0.1:40123`\n\nPlease make sure your database server is running at `127.0.0.1:40123`.")},
	{"msg.pool.c3p0", "database_connection/pool_exhausted", ex("java.sql.SQLException", `An attempt by a client to checkout a Connection has timed out.`)},
	{"msg.pool.tomcat_jdbc", "database_connection/pool_exhausted", ex("org.springframework.jdbc.CannotGetJdbcConnectionException", `Failed to obtain JDBC Connection; nested exception is org.apache.tomcat.jdbc.pool.PoolExhaustedException: [http-nio-8080-exec-5] Timeout: Pool empty. Unable to fetch a connection in 30 seconds, none available[size:100; busy:100; idle:0; lastwait:30000].`)},
	{"msg.pool.agroal", "database_connection/pool_exhausted", ex("java.sql.SQLException", `Acquisition timeout while waiting for new connection`)},
	{"msg.pool.vibur", "database_connection/pool_exhausted", ex("java.sql.SQLException", `Couldn't obtain SQL connection from pool vibur within 5000ms.`)},
	{"msg.pool.ucp", "database_connection/pool_exhausted", ex("java.sql.SQLException", `UCP-29: Failed to get a connection`)},
	{"msg.pool.reactor", "database_connection/pool_exhausted", dbx("postgresql", "org.springframework.dao.DataAccessResourceFailureException", `Failed to obtain R2DBC Connection; nested exception is reactor.pool.PoolAcquireTimeoutException: Pool#acquire(Duration) has been pending for more than the configured timeout of 1000ms`)},
	{"msg.pool.sqlx", "database_connection/pool_exhausted", ex("", `pool timed out while waiting for an open connection`)},
	{"msg.pool.rust", "database_connection/pool_exhausted", ex("", `Timeout occurred while waiting for a slot to become available`)},
	{"msg.pool.rust", "database_connection/pool_exhausted", ex("", `checkout: Timed out in bb8`)},
	{"msg.pool.rust", "database_connection/pool_exhausted", ex("", `Failed to acquire connection from pool: Connection pool timed out`)},
	// Rust drivers' and pools' Display alone (tokio-postgres 0.7.14 drops the source; rust-actix's log records).
	{"msg.connect.deadpool", "database_connection/connection_refused", ex("", `Error occurred while creating a new object: db error`)},
	{"msg.connection_refused", "database_connection/connection_refused", ex("", `Error occurred while creating a new object: error connecting to server`)},
	{"msg.connect_timeout.rust", "database_connection/connect_timeout", ex("", `orders: timeout waiting for server`)},
	{"msg.tls", "database_connection/tls_failure", ex("", `error performing TLS handshake: invalid peer certificate: UnknownIssuer`)},
	{"msg.connection_lost.rust", "database_connection/connection_reset", ex("", `error communicating with the server`)},
	{"msg.connection_reset", "database_connection/connection_reset", ex("", `error communicating with the server: Connection reset by peer (os error 104)`)},
	{"msg.connection_reset", "database_connection/connection_reset", ex("", `Error occurred while recycling an object: error communicating with the server: Broken pipe (os error 32)`)},
	{"msg.db_error.rust", "database_query/query_error", ex("", `db error`)},
	{"msg.db_error.rust", "database_query/query_error", ex("", `loading orders: db error`)},
	// An HTTP client's own "error connecting to server" is the call's; another text's "db error" is not the driver's.
	{"msg.connection_refused", "dependency_failure/upstream_unreachable", diagnosis.Evidence{Kind: diagnosis.KindClient, Depth: 1, StatusMessage: "error connecting to server", StatusError: true, Peer: "payments"}},
	{"generic.exception", "application_exception/unhandled_exception", ex("", `db error budget exceeded for tenant 7`)},
	{"msg.pool.r2d2", "database_connection/pool_exhausted", dbx("postgresql", "", `timed out waiting for connection: connection to server at "127.0.0.1", port 5432 failed`)},
	{"msg.pool.r2d2", "database_connection/pool_exhausted", ex("", `timed out waiting for connection`)},
	{"msg.pool.rust.create", "database_connection/connect_timeout", ex("", `Timeout occurred while creating a new object`)},
	// tokio-postgres's and deadpool's connect errors name no database, but are the database's (dbHints).
	{"msg.connection_refused", "database_connection/connection_refused", ex("", `error connecting to server: Connection refused (os error 111)`)},
	{"msg.connection_refused", "database_connection/connection_refused", ex("", `Error occurred while creating a new object: Connection refused (os error 111)`)},
	{"msg.pool.peewee", "database_connection/pool_exhausted", ex("playhouse.pool.MaxConnectionsExceeded", `Max connections exceeded, timed out attempting to connect.`)},
	{"msg.pool.peewee", "database_connection/pool_exhausted", ex("MaxConnectionsExceeded", `Exceeded maximum connections.`)},
	{"msg.pool.go_pg", "database_connection/pool_exhausted", goErr(`pg: connection pool timeout`)},
	{"msg.pool.generic_pool", "database_connection/pool_exhausted", ex("TimeoutError", "ResourceRequest timed out")},
	{"msg.pool.mariadb_node", "database_connection/pool_exhausted", ex("SqlError", "(conn:-1, no: 45028, SQLState: HY000) retrieve connection from pool timeout after 10012ms\n    (pool connections: active=10 idle=0 limit=10)")},
	{"msg.mongoose.buffering", "database_connection/connect_timeout", ex("MongooseError", "Operation `orders.find()` buffering timed out after 10000ms")},
	{"msg.null.rust", "application_exception/null_reference", ex("", "Service panicked: called `Option::unwrap()` on a `None` value")},
	{"msg.connection_refused", "database_connection/connection_refused", ex("", `load cart: error communicating with database: Connection refused (os error 111)`)},
	{"msg.pool.r2dbc", "database_connection/pool_exhausted", ex("io.r2dbc.spi.R2dbcTimeoutException", `Connection acquisition timed out after 5000ms`)},
	{"msg.pool.psycopg", "database_connection/pool_exhausted", ex("django.db.utils.OperationalError", `couldn't get a connection after 5.00 sec`)},
	{"msg.pool.psycopg", "database_connection/pool_exhausted", ex("django.db.utils.OperationalError", `the pool 'pool-1' has already 10 requests waiting`)},
	{"msg.pool.mysql2", "database_connection/pool_exhausted", exs("Error", `No connections available.`, "Error: No connections available.\n    at Pool.getConnection (/app/node_modules/mysql2/lib/pool.js:46:19)")},
	// node-hono db_pool_exhausted: mysql2's promise pool (lib/base/pool.js getConnection, waitForConnections: false)
	// rejects with a new Error at the caller: only the application's and the framework's frames.
	{"msg.pool.asynch", "database_connection/pool_exhausted", ex("asynch.errors.AsynchPoolError", `no free connection in the <Pool(minsize=1, maxsize=10) object at 0x7f5ed1859190; status: PoolStatus.opened>`)},
	{"msg.pool.asynch", "database_connection/pool_exhausted", diagnosis.Evidence{Kind: diagnosis.KindClient, Depth: 1, ExceptionType: "AsynchPoolError", ExceptionMessage: `no free connection in <Pool(minsize=1, maxsize=2) object at 0x7f01>`, StatusError: true}},
	{"msg.pool.mysql2.whole", "database_connection/pool_exhausted", exs("Error", `No connections available.`, "Error: No connections available.\n    at Array.<anonymous> (/srv/app.js:80:37)\n    at async responseViaResponseObject (/srv/node_modules/@hono/node-server/dist/index.js:433:13)")},
	{"msg.pool.mysql2.whole", "database_connection/pool_exhausted", ex("Error", `Queue limit reached.`)},
	{"generic.exception", "application_exception/unhandled_exception", ex("Error", `No connections available. Add one in the settings.`)},
	// node-restify db_pool_exhausted / db_refused: mariadb-connector-nodejs lib/pool.js _rejectTimedOutRequest, as
	// instrumentation-restify records it on the handler span (exception.type = the error's code).
	{"msg.pool.mariadb", "database_connection/pool_exhausted", exs("ER_GET_CONNECTION_TIMEOUT", "(conn:-1, no: 45028, SQLState: HY000) pool timeout: failed to retrieve a connection from pool after 500ms\n    (pool connections: active=1 idle=0 limit=1)",
		"SqlError: (conn:-1, no: 45028, SQLState: HY000) pool timeout: failed to retrieve a connection from pool after 500ms\n    at vr._rejectTimedOutRequest (/srv/node_modules/mariadb/dist/promise.cjs:35:15457)")},
	{"msg.pool.mariadb", "database_connection/pool_exhausted", exs("ER_GET_CONNECTION_TIMEOUT", "(conn:-1, no: 45028, SQLState: HY000) pool failed to retrieve a connection from pool\n    (pool connections: active=0 idle=0 limit=4)",
		"SqlError: (conn:-1, no: 45028, SQLState: HY000) pool failed to retrieve a connection from pool\n    at vr._rejectTimedOutRequest (/srv/node_modules/mariadb/dist/promise.cjs:35:15457)")},
	// pino's err serializer appends the creation's error: its code decides.
	{"postgresql.sqlstate.28000", "database_connection/authentication_failed", ex("ER_GET_CONNECTION_TIMEOUT", "(conn:-1, no: 45028, SQLState: HY000) pool failed to retrieve a connection from pool\n    (pool connections: active=0 idle=0 limit=4): (conn:6, no: 1045, SQLState: 28000) Access denied for user 'app'@'127.0.0.1' (using password: YES)")},
	// java-vertx db_pool_exhausted: the agent's vertx-sql-client span (no db.system) with the pool's stackless timeout.
	{"msg.pool.vertx", "database_connection/pool_exhausted", dbx("", "io.vertx.core.VertxException", `Timeout waiting for connection`)},
	{"msg.pool.vertx", "database_connection/pool_exhausted", dbx("postgresql", "io.vertx.core.http.ConnectionPoolTooBusyException", `Connection pool reached max wait queue size of 16`)},
	// Apache HttpClient 4's pool on a call ("Timeout waiting for connection from pool") stays the call's.
	{"msg.timeout.http", "dependency_failure/upstream_timeout", diagnosis.Evidence{Kind: diagnosis.KindClient, Depth: 1, Peer: "payments", StatusError: true,
		ExceptionType: "org.apache.http.conn.ConnectionPoolTimeoutException", ExceptionMessage: "Timeout waiting for connection from pool"}},
	{"msg.too_many_clients.postgresql", "database_connection/too_many_connections", ex("psycopg2.OperationalError", `connection to server at "db" (10.0.0.5), port 5432 failed: FATAL:  remaining connection slots are reserved for non-replication superuser connections`)},
	{"msg.too_many_connections.mysql", "database_connection/too_many_connections", ex("com.mysql.cj.jdbc.exceptions.MySQLNonTransientConnectionException", `Data source rejected establishment of connection,  message from server: "Too many connections"`)},
	{"msg.auth.postgresql", "database_connection/authentication_failed", ex("org.postgresql.util.PSQLException", `FATAL: password authentication failed for user "app"`)},
	// mapbox/osm-boundaries#4: psycopg2 on a connection string without a password.
	{"msg.auth.postgresql", "database_connection/authentication_failed", ex("psycopg2.OperationalError", `fe_sendauth: no password supplied`)},
	// npgsql/npgsql#1340: a password the connection string gave did not reach the connector.
	{"msg.auth.postgresql", "database_connection/authentication_failed", ex("Npgsql.NpgsqlException", `No password has been provided but the backend requires one (in MD5)`)},
	{"msg.permission.mysql_db", "configuration_error/permission_denied", ex("java.sql.SQLSyntaxErrorException", `SELECT command denied to user 'report'@'10.0.0.8' for table 'salaries'`)},
	{"msg.auth.mysql", "database_connection/authentication_failed", ex("java.sql.SQLException", `Access denied for user 'app'@'10.0.0.7' (using password: YES)`)},
	{"msg.auth.mssql", "database_connection/authentication_failed", ex("Microsoft.Data.SqlClient.SqlException", `Login failed for user 'shop'.`)},
	{"msg.auth.clickhouse", "database_connection/authentication_failed", goErr(`code: 516, message: root: Authentication failed: password is incorrect or there is no user with such name`)},
	// MongoDB's Go, mgo and Java drivers on a failed authentication, with no database span.
	{"msg.auth.mongodb", "database_connection/authentication_failed", goErr(`load user: connection() : auth error: sasl conversation error: unable to authenticate using mechanism "SCRAM-SHA-1": (AuthenticationFailed) Authentication failed.`)},
	{"msg.auth.mongodb", "database_connection/authentication_failed", goErr(`server returned error on SASL authentication step: Authentication failed.`)},
	{"msg.auth.mongodb", "database_connection/authentication_failed", ex("com.mongodb.MongoSecurityException", `Exception authenticating MongoCredential{mechanism=SCRAM-SHA-1, userName='shop', source='admin', password=<hidden>, mechanismProperties=<hidden>}`)},
	// Redisson's borrow of a pooled connection that timed out (its type is a command's timeout).
	{"msg.pool.redisson", "database_connection/pool_exhausted", ex("org.redisson.client.RedisTimeoutException", "Unable to acquire connection! java.util.concurrent.CompletableFuture@3c838224[Completed exceptionally: java.util.concurrent.CancellationException]Increase connection pool size. Node source: NodeSource [slot=0, addr=null, redisClient=null, redirect=null, entry=null], command: (GET), params: [cart:42] after 3 retry attempts")},
	// PostgreSQL's undefined relation in its zh_CN translation, no SQLSTATE.
	{"msg.undefined_table.postgresql_zh_cn", "database_query/undefined_table", ex("tortoise.exceptions.OperationalError", `关系 "user" 不存在`)},
	{"msg.undefined_table.postgresql_zh_cn", "database_query/undefined_table", goDB("postgresql", `pq: 关系 "public.orders" 不存在`)},
	// neo4j-python-driver 1.x: the connect's errno in its own words.
	{"msg.connect_refused.neo4j", "database_connection/connection_refused", ex("neo4j.exceptions.ServiceUnavailable", `Failed to establish connection to ('127.0.0.1', 7687) (reason 111)`)},
	{"msg.connect_refused.neo4j", "database_connection/connection_refused", ex("ServiceUnavailable", `Failed to establish connection to ('127.0.0.1', 7687) (reason 10061)`)},
	// .NET's resolver failing inside a driver's heartbeat: DNS, whatever errno (the MongoDB driver's text, its spelling kept).
	{"msg.dns.dotnet", "database_connection/dns_failure", ex("System.TimeoutException", `A timeout occured after 30000ms selecting a server using CompositeServerSelector{ Selectors = ReadPreferenceServerSelector{ ReadPreference = { Mode = Primary } } }. Client view of cluster state is { ClusterId : "1", Servers : [{ EndPoint: "Unspecified/mongo:27017", State: "Disconnected", HeartbeatException: "MongoDB.Driver.MongoConnectionException: An exception occurred while opening a connection to the server. ---> System.Net.Internals.SocketExceptionFactory+ExtendedSocketException (00000001, 11): Resource temporarily unavailable at System.Net.Dns.InternalGetHostByName(String hostName) at System.Net.Dns.ResolveCallback(Object context)`)}, //nolint:misspell // verbatim driver text
	{"msg.auth.clickhouse", "database_connection/authentication_failed", st("clickhouse: [HTTP 516] default: Authentication failed: password is incorrect, or there is no user with such name.")},
	{"msg.permission.mysql_db", "configuration_error/permission_denied", ex("", "DROP command denied to user 'app'@'localhost' for table 'orders'")},
	{"msg.auth.mysql", "database_connection/authentication_failed", ex("Error", "Access denied for user ''@'localhost' to database 'discord_bot_rpg'")},
	{"msg.auth.oracle", "database_connection/authentication_failed", dbx("oracle", "OracleException", `invalid username/password; logon denied`)},
	{"msg.auth.generic", "database_connection/authentication_failed", dbx("mongodb", "MongoServerError", `Authentication failed.`)},
	// The DataStax Java driver 4's AuthenticationException "Authentication error on node %s: server replied with '%s' to
	// AuthResponse request" of Cassandra's PasswordAuthenticator; gocql's control connection on DSE's reason.
	{"msg.auth.cassandra", "database_connection/authentication_failed", goErr(`gocql: unable to create session: unable to discover protocol version: Provided username cassandra and/or password are incorrect`)},
	{"msg.auth.cassandra", "database_connection/authentication_failed", ex("cassandra.cluster.NoHostAvailable", `('Unable to connect to any servers', {'127.0.0.1:9042': AuthenticationFailed('Failed to authenticate to 127.0.0.1:9042: Error from server: code=0100 [Bad credentials] message="Failed to login. Please re-try."',)})`)},
	{"msg.auth.cassandra", "database_connection/authentication_failed", goErr(`gocql: unable to create session: unable to discover protocol version: Failed to login. Please re-try.`)},
	{"msg.auth.cassandra.dse", "database_connection/authentication_failed", goErr(`gocql: unable to dial control conn 10.0.0.5:9042: Failed to login.`)},
	{"msg.unknown_database", "database_connection/unknown_database", ex("org.postgresql.util.PSQLException", `FATAL: database "shop" does not exist`)},
	{"msg.tls.database", "database_connection/tls_failure", goDB("postgresql", `pq: SSL is not enabled on the server`)},
	// database_timeout
	{"msg.timeout.statement.postgresql", "database_timeout/statement_timeout", ex("org.postgresql.util.PSQLException", `ERROR: canceling statement due to statement timeout`)},
	{"msg.timeout.lock.postgresql", "database_timeout/lock_timeout", ex("org.postgresql.util.PSQLException", `ERROR: canceling statement due to lock timeout`)},
	{"msg.canceled.postgresql", "database_timeout/query_canceled", ex("org.postgresql.util.PSQLException", `ERROR: canceling statement due to user request`)},
	{"msg.timeout.lock.mysql", "database_timeout/lock_timeout", ex("com.mysql.cj.jdbc.exceptions.MySQLTransactionRollbackException", `Lock wait timeout exceeded; try restarting transaction`)},
	{"msg.timeout.lock.sqlite", "database_timeout/lock_timeout", ex("sqlite3.OperationalError", `database is locked`)},
	{"msg.timeout.statement.mysql", "database_timeout/statement_timeout", dbx("mysql", "Error", `Query execution was interrupted, maximum statement execution time exceeded`)},
	{"msg.canceled.mysql", "database_timeout/query_canceled", dbx("mysql", "Error", `Query execution was interrupted`)},
	{"msg.timeout.statement.mssql", "database_timeout/statement_timeout", dbx("mssql", "Microsoft.Data.SqlClient.SqlException", `Execution Timeout Expired.  The timeout period elapsed prior to completion of the operation or the server is not responding.`)},
	{"msg.timeout.lock.mssql", "database_timeout/lock_timeout", dbx("mssql", "Microsoft.Data.SqlClient.SqlException", `Lock request time out period exceeded.`)},
	{"msg.canceled.oracle", "database_timeout/query_canceled", dbx("oracle", "OracleException", `user requested cancel of current operation`)},
	{"msg.timeout.statement.mongodb", "database_timeout/statement_timeout", dbx("mongodb", "MongoServerError", `operation exceeded time limit`)},
	{"msg.timeout.statement.generic", "database_timeout/statement_timeout", dbx("redis", "io.lettuce.core.RedisException", `Command timed out after 1 minute(s)`)},
	// database_query
	{"msg.undefined_column.postgresql", "database_query/undefined_column", ex("org.postgresql.util.PSQLException", "ERROR: column \"totl\" of relation \"orders\" does not exist\n  Position: 21")},
	{"msg.undefined_function.postgresql", "database_query/undefined_function", ex("org.postgresql.util.PSQLException", `ERROR: function lower(integer) does not exist`)},
	{"msg.undefined_table.postgresql", "database_query/undefined_table", goDB("postgresql", `pq: relation "orders" does not exist`)},
	{"msg.undefined_table.postgresql", "database_query/undefined_table", ex("django.db.utils.ProgrammingError", `table "shop_coupon" does not exist`)},
	// A French server's words (lc_messages=fr), through pgjdbc.
	{"msg.undefined_column.postgresql_fr", "database_query/undefined_column", ex("org.postgresql.util.PSQLException", `ERREUR: la colonne « discount_code » n'existe pas
  Position : 42`)},
	{"msg.undefined_table.postgresql_fr", "database_query/undefined_table", ex("org.postgresql.util.PSQLException", `ERREUR: la relation « coupons » n'existe pas`)},
	{"msg.data.postgresql_fr", "database_query/data_exception", ex("SequelizeDatabaseError", `syntaxe en entrée invalide pour le type uuid : « 42 »`)},
	{"msg.data.postgresql_fr", "database_query/data_exception", ex("org.postgresql.util.PSQLException", `ERREUR: valeur trop longue pour le type character varying(20)`)},
	// knex's builder refuses an undefined binding before a statement is sent, on a database span too.
	{"msg.argument.knex", "application_exception/invalid_argument", ex("Error", "Undefined binding(s) detected when compiling FIRST. Undefined column(s): [token] query: select * from `users` where `token` = ? limit ?")},
	{"msg.argument.knex", "application_exception/invalid_argument", dbx("postgresql", "Error", `Undefined binding(s) detected when compiling SELECT query: select * from "orders" where "id" = ?`)},
	{"msg.undefined_table.postgresql", "database_query/undefined_table", ex("django.db.utils.ProgrammingError", `view "order_totals" does not exist`)},
	{"msg.undefined_table.mysql", "database_query/undefined_table", ex("java.sql.SQLSyntaxErrorException", `Table 'shop.orders' doesn't exist`)},
	{"msg.undefined_table.mssql", "database_query/undefined_table", ex("Microsoft.Data.SqlClient.SqlException", `Invalid object name 'dbo.Orders'.`)},
	{"msg.undefined_table.oracle", "database_query/undefined_table", dbx("oracle", "OracleException", `table or view does not exist`)},
	{"msg.undefined_table.other", "database_query/undefined_table", ex("sqlite3.OperationalError", `no such table: orders`)},
	{"msg.orm.efcore_null", "database_query/orm_mapping", exs("System.InvalidOperationException", `Nullable object must have a value.`,
		"System.InvalidOperationException: Nullable object must have a value.\n   at lambda_method42(Closure, QueryContext, DbDataReader, ResultContext, SingleQueryResultCoordinator)\n   at Microsoft.EntityFrameworkCore.Query.Internal.SingleQueryingEnumerable`1.Enumerator.MoveNext()\n")},
	// The same words of application code, with no EF Core below them, are the application's state.
	{"lang.IllegalState", "application_exception/illegal_state", ex("System.InvalidOperationException", `Nullable object must have a value.`)},
	{"msg.orm.efcore", "database_query/orm_mapping", exs("Microsoft.EntityFrameworkCore.DbUpdateException", `An error occurred while saving the entity changes. See the inner exception for details.`,
		"Microsoft.EntityFrameworkCore.DbUpdateException: An error occurred while saving the entity changes. See the inner exception for details.\n ---> Microsoft.Data.SqlClient.SqlException (0x80131904): Invalid column name 'Discount'.\n   at Microsoft.Data.SqlClient.SqlCommand.ExecuteReader()")},
	{"msg.undefined_column.mysql", "database_query/undefined_column", ex("Mysql2::Error", `Unknown column 'totl' in 'field list'`)},
	{"msg.undefined_column.mssql", "database_query/undefined_column", ex("Microsoft.Data.SqlClient.SqlException", `Invalid column name 'Totl'.`)},
	{"msg.undefined_column.other", "database_query/undefined_column", ex("sqlite3.OperationalError", `no such column: totl`)},
	{"msg.syntax.postgresql", "database_query/syntax_error", ex("org.postgresql.util.PSQLException", "ERROR: syntax error at or near \"FORM\"\n  Position: 10")},
	{"msg.syntax.mysql", "database_query/syntax_error", ex("java.sql.SQLSyntaxErrorException", `You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'FORM orders' at line 1`)},
	{"msg.syntax.mssql", "database_query/syntax_error", ex("Microsoft.Data.SqlClient.SqlException", `Incorrect syntax near 'FORM'.`)},
	{"msg.syntax.oracle", "database_query/syntax_error", dbx("oracle", "OracleException", `SQL command not properly ended`)},
	{"msg.syntax.sqlite", "database_query/syntax_error", ex("sqlite3.OperationalError", `near "FORM": syntax error`)},
	{"msg.constraint.postgresql", "database_query/constraint_violation", ex("org.postgresql.util.PSQLException", "ERROR: duplicate key value violates unique constraint \"users_email_key\"\n  Detail: Key (email)=(a@example.com) already exists.")},
	{"msg.constraint.mysql", "database_query/constraint_violation", ex("Mysql2::Error", `Duplicate entry 'a@example.com' for key 'users.index_users_on_email'`)},
	{"msg.constraint.mssql", "database_query/constraint_violation", ex("Microsoft.Data.SqlClient.SqlException", `Violation of UNIQUE KEY constraint 'UQ_Users_Email'. Cannot insert duplicate key in object 'dbo.Users'.`)},
	{"msg.constraint.oracle", "database_query/constraint_violation", dbx("oracle", "OracleException", `unique constraint (SHOP.PK_ORDERS) violated`)},
	{"msg.constraint.h2", "database_query/constraint_violation", ex("org.h2.jdbc.JdbcSQLIntegrityConstraintViolationException", `Unique index or primary key violation: "PUBLIC.PRIMARY_KEY_8 ON PUBLIC.ITEMS(ID) VALUES ( /* 1 */ 1 )"; SQL statement:`)},
	{"msg.constraint.other", "database_query/constraint_violation", ex("sqlite3.IntegrityError", `UNIQUE constraint failed: users.email`)},
	{"msg.deadlock.postgresql", "database_query/deadlock", ex("org.postgresql.util.PSQLException", "ERROR: deadlock detected\n  Detail: Process 4242 waits for ShareLock on transaction 1234; blocked by process 4243.")},
	{"msg.deadlock.mysql", "database_query/deadlock", ex("Mysql2::Error", `Deadlock found when trying to get lock; try restarting transaction`)},
	{"msg.deadlock.mssql", "database_query/deadlock", ex("Microsoft.Data.SqlClient.SqlException", `Transaction (Process ID 64) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.`)},
	{"msg.deadlock.generic", "database_query/deadlock", dbx("cassandra", "WriteFailure", `deadlock while applying batch`)},
	{"msg.serialization", "database_query/serialization_failure", ex("org.postgresql.util.PSQLException", `ERROR: could not serialize access due to read/write dependencies among transactions`)},
	{"msg.data.postgresql", "database_query/data_exception", ex("org.postgresql.util.PSQLException", `ERROR: invalid input syntax for type uuid: "42"`)},
	{"msg.data.mysql", "database_query/data_exception", ex("Mysql2::Error", `Data too long for column 'name' at row 1`)},
	{"msg.data.mssql", "database_query/data_exception", ex("Microsoft.Data.SqlClient.SqlException", `String or binary data would be truncated.`)},
	{"msg.data.oracle", "database_query/data_exception", dbx("oracle", "OracleException", `value larger than specified precision allowed for this column`)},
	{"msg.division_by_zero", "database_query/data_exception", dbx("postgresql", "ActiveRecord::StatementInvalid", `ERROR:  division by zero`)},
	{"msg.permission.database", "configuration_error/permission_denied", ex("org.postgresql.util.PSQLException", `ERROR: permission denied for table orders`)},
	{"msg.orm.sqlalchemy", "database_query/orm_mapping", st(`Could not determine join condition between parent/child tables on relationship Order.items - there are no foreign keys linking these tables.`)},
	{"msg.orm.go_scan", "database_query/orm_mapping", st(`store: unable to fetch feeds row: sql: Scan error on column index 19, name "username": converting NULL to string is unsupported`)},
	{"msg.orm.go_scan", "database_query/orm_mapping", st(`sql: Scan error on column index 0: unsupported Scan, storing driver.Value type <nil> into type *string`)},
	{"msg.orm.django", "database_query/orm_mapping", st(`Cannot resolve keyword 'nmae' into field. Choices are: id, name, price`)},
	{"msg.orm.activerecord", "database_query/orm_mapping", st(`unknown attribute 'nickname' for User.`)},
	{"msg.orm.hibernate", "database_query/orm_mapping", ex("org.hibernate.QueryException", `could not resolve property: totl of: com.shop.model.Order`)},
	{"msg.orm.hibernate", "database_query/orm_mapping", st(`not-null property references a null or transient value: com.shop.model.Order.customer`)},
	{"msg.orm.hibernate", "database_query/orm_mapping", ex("org.springframework.orm.jpa.JpaSystemException", `could not initialize proxy [com.shop.model.Customer#7] - no Session`)},
	{"msg.orm.hibernate", "database_query/orm_mapping", ex("java.lang.RuntimeException", `failed to lazily initialize a collection of role: com.shop.model.Order.lines, could not initialize proxy - no Session`)},
	{"msg.data.mongoose", "database_query/data_exception", ex("Error", `Cast to ObjectId failed for value "list" (type string) at path "_id" for model "Order"`)},
	{"msg.orm.typeorm", "database_query/orm_mapping", ex("TypeORMError", `No metadata for "Coupon" was found.`)},
	{"msg.orm.efcore_model", "database_query/orm_mapping", ex("System.InvalidOperationException", `The entity type 'OrderLine' requires a primary key to be defined. If you intended to use a keyless entity type, call 'HasNoKey' in 'OnModelCreating'.`)},
	{"msg.no_rows.go", "database_query/no_rows", goErr(`get order 42: sql: no rows in result set`)},
	// network, in database context
	{"msg.socket.database", "database_connection/connection_refused", ex("psycopg2.OperationalError", "connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: No such file or directory\n\tIs the server running locally and accepting connections on that socket?")},
	{"msg.connection_lost.mysql_go", "database_connection/connection_reset", goErr(`load cart: invalid connection`)},
	{"msg.connection_lost.database", "database_connection/connection_reset", ex("psycopg2.OperationalError", "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.")},
	{"msg.connection_lost.generic", "database_connection/connection_reset", goDB("mysql", `invalid connection`)},
	{"msg.connect_timeout", "database_connection/connect_timeout", goErr("failed to connect to `user=app database=shop`: 10.0.0.5:5432 (db): dial error: timeout: dial tcp 10.0.0.5:5432: i/o timeout")},
	// redis/go-redis#1659: go-redis returns its dial's timeout bare, on a plain span read as the database's connect.
	{"msg.connect_timeout.go_dial", "database_connection/connect_timeout", goErr("dial tcp 10.0.0.7:6380: i/o timeout")},
	{"msg.connect_timeout.go_dial", "database_connection/connect_timeout", goErr("dial tcp: i/o timeout")},
	{"msg.connect_timeout.go_dial", "database_connection/connect_timeout", goDB("redis", "dial tcp 10.0.0.7:6380: i/o timeout")},
	// net/http's call keeps a call's reading; its dial's timeout is the connect's (msg.http.dial_timeout), as a Java or
	// Python client's connect timeout is.
	{"msg.http.dial_timeout", "dependency_failure/upstream_unreachable", goErr(`Get "http://pricing:8080/v1": dial tcp 10.0.0.9:8080: i/o timeout`)},
	// Android's libcore: a connect timeout of an HTTP client's socket; the same words with the errno after them are a refusal.
	{"msg.connect_timeout", "dependency_failure/upstream_unreachable", exs("java.net.SocketTimeoutException", "failed to connect to api.shop.example/10.1.2.3 (port 443) after 10000ms",
		"java.net.SocketTimeoutException: failed to connect to api.shop.example/10.1.2.3 (port 443) after 10000ms\n\tat libcore.io.IoBridge.connectErrno(IoBridge.java:169)\n\tat libcore.io.IoBridge.connect(IoBridge.java:122)\n\tat okhttp3.internal.platform.AndroidPlatform.connectSocket(AndroidPlatform.java:73)\n")},
	{"msg.connection_refused", "dependency_failure/upstream_unreachable", ex("", "failed to connect to api.shop.example/10.1.2.3 (port 443) after 10000ms: isConnected failed: ECONNREFUSED (Connection refused)")},
	// The MongoDB Node driver 3.x: the first connect's failure around the connection's own timeout.
	{"msg.connect_timeout", "database_connection/connect_timeout", ex("MongoNetworkError", "failed to connect to server [db:27017] on first connect [MongoNetworkError: connection 0 to db:27017 timed out]")},
	// postgres.js's connection errors, the host and port after the code.
	{"msg.postgres_js.connect_timeout", "database_connection/connect_timeout", exs("Error", "write CONNECT_TIMEOUT db:5432", "Error: write CONNECT_TIMEOUT db:5432\n    at connectTimedOut (/app/node_modules/postgres/cjs/src/connection.js:257:20)\n    at Timeout.done (/app/node_modules/postgres/cjs/src/connection.js:1039:8)")},
	{"msg.postgres_js.connection_closed", "database_connection/connection_reset", exs("Error", "write CONNECTION_CLOSED db:5432", "Error: write CONNECTION_CLOSED db:5432\n    at Socket.closed (/app/node_modules/postgres/cjs/src/connection.js:434:57)")},
	// getaddrinfo's other codes: libuv's EAI_FAIL, old Node's ENOENT of a name that does not resolve.
	{"msg.dns", "database_connection/dns_failure", exs("SequelizeConnectionError", "getaddrinfo ENOENT", "SequelizeConnectionError: getaddrinfo ENOENT\n    at /app/node_modules/sequelize/lib/dialects/postgres/connection-manager.js:74:20\n    at null.<anonymous> (/app/node_modules/pg/lib/client.js:176:5)")},
	{"msg.dns", "dependency_failure/upstream_unreachable", ex("Error", "getaddrinfo EAI_FAIL payments.internal")},
	// A Go net/http client's url.Error: the URL's host name is the peer's, whatever words it holds.
	{"msg.dns", "dependency_failure/upstream_unreachable", goErr(`Post "http://prometheus_postgresql_adapter:9201/write": dial tcp: lookup prometheus_postgresql_adapter on 127.0.0.11:53: no such host`)},
	{"msg.dns", "database_connection/dns_failure", goErr(`failed to connect to host=postgres user=app database=shop: hostname resolving error (lookup postgres on 127.0.0.11:53: no such host)`)},
	// xtekky/chatgpt-clone#35: requests to an API host that did not answer the connect; a call's is unreachable.
	{"msg.connect_timeout", "dependency_failure/upstream_unreachable", ex("", "an error occurred HTTPSConnectionPool(host='ddg-api.herokuapp.com', port=443): Max retries exceeded with url: /search?query=hi&limit=3 (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x0000027A0A0FD210>, 'Connection to ddg-api.herokuapp.com timed out. (connect timeout=None)'))")},
	{"msg.dns", "database_connection/dns_failure", goErr("failed to connect to `user=app database=shop`: hostname resolving error: lookup postgres on 127.0.0.11:53: no such host")},
	// guzzle/guzzle#1935: PHP's curl had no CA bundle to verify the API's certificate with.
	// kdudkov/goatak#22: an https:// URL of a port that speaks plain HTTP.
	{"msg.tls", "dependency_failure/tls_failure", ex("*url.Error", `Get "https://192.168.1.99:8446/Marti/api/tls/config": http: server gave HTTP response to HTTPS client`)},
	{"msg.tls", "dependency_failure/tls_failure", ex("GuzzleHttp\\Exception\\RequestException", "cURL error 60: SSL certificate problem: unable to get local issuer certificate (see http://curl.haxx.se/libcurl/c/libcurl-errors.html)")},
	{"msg.tls", "database_connection/tls_failure", goErr("failed to connect to `user=app database=shop`: 10.0.0.5:5432 (db): tls error: tls: failed to verify certificate: x509: certificate signed by unknown authority")},
	{"msg.connection_refused", "database_connection/connection_refused", goErr("failed to connect to `user=app database=shop`: 127.0.0.1:5432 (127.0.0.1): dial error: dial tcp 127.0.0.1:5432: connect: connection refused")},
	{"msg.http.5xx.webexception", "dependency_failure/upstream_5xx", ex("System.Net.WebException", `The remote server returned an error: (500) Internal Server Error.`)},
	{"msg.kafka.sarama_out_of_brokers", "dependency_failure/upstream_unreachable", st(`kafka: client has run out of available brokers to talk to: EOF`)},
	{"msg.nats.no_servers", "dependency_failure/upstream_unreachable", goErr(`connect events: nats: no servers available for connection`)},
	{"msg.nats.no_servers", "dependency_failure/upstream_unreachable", exs("", "nats: no servers available for connection", "panic: nats: no servers available for connection\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:22 +0x17f\n")},
	{"msg.unreachable", "database_connection/connection_refused", goDB("mysql", `dial tcp 10.0.3.7:3306: connect: no route to host`)},
	{"msg.connection_reset", "database_connection/connection_reset", ex("Error", `read ECONNRESET`+"\n    at TCP.onStreamRead (node:internal/stream_base_commons:217:20) [pg-pool]")},
	// resource_exhaustion
	{"msg.threads", "resource_exhaustion/thread_pool_exhausted", goErr(`runtime/cgo: pthread_create failed: Resource temporarily unavailable`)},
	{"msg.oom", "resource_exhaustion/out_of_memory", ex("Error", `FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory`)},
	{"msg.disk_full", "resource_exhaustion/disk_full", goErr(`write /var/lib/app/uploads/42.bin: no space left on device`)},
	// tedious's connect timeout, with its frames and as node-mssql passes it on.
	{"msg.connect_timeout.tedious", "database_connection/connect_timeout", exs("ConnectionError", "Failed to connect to sql.internal:1433 in 15000ms", "ConnectionError: Failed to connect to sql.internal:1433 in 15000ms\n    at ConnectionError (/srv/app/node_modules/tedious/lib/errors.js:12:12)\n    at Connection.connectTimeout (/srv/app/node_modules/tedious/lib/connection.js:936:28)\n")},
	{"msg.connect_timeout.tedious", "database_connection/connect_timeout", ex("ConnectionError", "Failed to connect to localhost:undefined in 15000ms")},
	// libpq's TLS connection lost under psycopg2.
	{"msg.connection_lost.libpq_ssl", "database_connection/connection_reset", ex("psycopg2.OperationalError", "SSL SYSCALL error: EOF detected")},
	{"msg.connection_lost.libpq_ssl", "database_connection/connection_reset", ex("psycopg2.DatabaseError", "SSL SYSCALL error: Operation timed out")},
	{"msg.connection_lost.libpq_ssl", "database_connection/connection_reset", ex("psycopg2.OperationalError", "SSL connection has been closed unexpectedly")},
	{"msg.connection_lost.go_mysql", "database_connection/connection_reset", goErr("packets.go:36: unexpected EOF")},
	{"msg.connection_lost.go_mysql", "database_connection/connection_reset", goErr("packets.go:122: closing bad idle connection: EOF")},
	{"msg.connection_lost.vertx_sql", "database_connection/connection_reset", exs("io.vertx.core.VertxException", "Connection not open CLOSED", "io.vertx.core.VertxException: Connection not open CLOSED\n\tat io.vertx.pgclient.impl.SocketConnectionBase.schedule(SocketConnectionBase.java:193)\n\tat io.vertx.sqlclient.impl.CommandBase.fail(CommandBase.java:54)\n")},
	{"msg.pq.unsupported_sslmode", "configuration_error/invalid_config", goErr(`pq: unsupported sslmode "prefer"; only "require" (default), "verify-full", "verify-ca", and "disable" supported`)},
	{"msg.oracle.invalid_url", "configuration_error/invalid_config", exs("java.sql.SQLException", "Unable to start the Universal Connection Pool: oracle.ucp.UniversalConnectionPoolException: Cannot get Connection from Datasource: java.sql.SQLException: Invalid Oracle URL specified", "java.sql.SQLException: Unable to start the Universal Connection Pool: oracle.ucp.UniversalConnectionPoolException: Cannot get Connection from Datasource: java.sql.SQLException: Invalid Oracle URL specified\n\tat oracle.ucp.util.UCPErrorHandler.newSQLException(UCPErrorHandler.java:488)\n\tat oracle.ucp.jdbc.PoolDataSourceImpl.startPool(PoolDataSourceImpl.java:642)\n")},
	{"msg.pool.ucp.zh", "database_connection/pool_exhausted", ex("java.sql.SQLException", "获取连接时出现异常错误: oracle.ucp.UniversalConnectionPoolException: Universal Connection Pool 中的所有连接均在使用中")},
	// .NET Framework's WinIOError of ERROR_DISK_FULL on a zh-CN Windows (openhardwaremonitor/openhardwaremonitor#225).
	{"msg.disk_full", "resource_exhaustion/disk_full", exs("System.IO.IOException", "磁盘空间不足。", "System.IO.IOException: 磁盘空间不足。\n\n   at System.IO.__Error.WinIOError(Int32 errorCode, String maybeFullPath)\n   at System.IO.FileStream.WriteCore(Byte[] buffer, Int32 offset, Int32 count)\n")},
	{"msg.mysql_table_full", "resource_exhaustion/disk_full", dbx("mysql", "Error", `The table 'events' is full`)},
	{"msg.open_files", "resource_exhaustion/too_many_open_files", goErr(`accept tcp [::]:8080: accept4: too many open files`)},
	// owncloud/android#126: PHP's memory_limit.
	{"msg.oom.php", "resource_exhaustion/out_of_memory", ex("", `Allowed memory size of 67108864 bytes exhausted (tried to allocate 64 bytes)`)},
	// configuration_error
	{"msg.env_missing.rust_unwrap", "configuration_error/missing_config", ex("", "called `Result::unwrap()` on an `Err` value: NotPresent")},
	{"msg.env_missing", "configuration_error/missing_config", goErr(`config: environment variable PAYMENT_API_URL is not set`)},
	{"msg.secret_missing", "configuration_error/missing_secret", ex("Error", `secretOrPrivateKey must have a value`)},
	{"msg.secret_missing.framework", "configuration_error/missing_secret", ex("RuntimeError", `The session is unavailable because no secret key was set.  Set the secret_key on the application to something unique and secret.`)},
	{"msg.secret_missing.framework", "configuration_error/missing_secret", ex("Error", `secret option required for sessions`)},
	{"msg.secret_missing.framework", "configuration_error/missing_secret", ex("openai.OpenAIError", `The api_key client option must be set either by passing api_key to the client or by setting the OPENAI_API_KEY environment variable`)},
	{"msg.config_missing.library", "configuration_error/missing_config", ex("RuntimeError", `Either 'SQLALCHEMY_DATABASE_URI' or 'SQLALCHEMY_BINDS' must be set.`)},
	{"msg.config_missing.library", "configuration_error/missing_config", ex("botocore.exceptions.NoRegionError", `You must specify a region.`)},
	{"msg.config_missing.library", "configuration_error/missing_config", goErr(`operation error S3: GetObject, failed to resolve service endpoint, an AWS region is required, but was not found`)},
	{"msg.config_missing.library", "configuration_error/missing_config", ex("software.amazon.awssdk.core.exception.SdkClientException", `Unable to load region from any of the providers in the chain software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain@62615be: [...]`)},
	// alexjustesen/speedtest-tracker#711, ZacharyJia/serverchan#1: Laravel without APP_KEY.
	{"msg.secret_missing", "configuration_error/missing_secret", ex(`Illuminate\Encryption\MissingAppKeyException`, `No application encryption key has been specified.`)},
	{"msg.secret_missing", "configuration_error/missing_secret", ex("RuntimeException", `No application encryption key has been specified.`)},
	// heetch/confita#30: a required field no backend set.
	{"msg.env_missing", "configuration_error/missing_config", goErr(`required key 'host' for field 'Host' not found`)},
	{"msg.env_missing", "configuration_error/missing_config", goErr(`required key BAR missing value`)},
	// ballerine-io/ballerine#2389 (t3-env, a missing HASHING_KEY_SECRET: its issues go to the console, the
	// exception says only this).
	{"msg.invalid_config", "configuration_error/invalid_config", ex("Error", `Invalid environment variables`)},
	{"msg.secret_file", "configuration_error/missing_secret", goErr(`load TLS key pair: open /etc/tls/server.key: no such file or directory`)},
	{"msg.config_file", "configuration_error/missing_config", ex("Error", `ENOENT: no such file or directory, open '/app/config/production.json'`)},
	{"msg.invalid_config", "configuration_error/invalid_config", goErr(`sql: unknown driver "postgres" (forgotten import?)`)},
	{"msg.permission_denied", "configuration_error/permission_denied", goErr(`open /var/log/shop/app.log: permission denied`)},
	// A file the application needs at run time, missing or unreadable, per language.
	{"msg.config_file", "configuration_error/missing_config", ex("*fs.PathError", `open /app/config/app.yaml: no such file or directory`)},
	{"msg.secret_file", "configuration_error/missing_secret", ex("Error", `ENOENT: no such file or directory, open '/app/certs/tls.key'`)},
	{"msg.permission_denied", "configuration_error/permission_denied", ex("Error", `EACCES: permission denied, open '/app/certs/tls.key'`)},
	{"msg.permission_denied", "configuration_error/permission_denied", ex("*fs.PathError", `open /etc/ssl/private/server.key: permission denied`)},
	{"msg.config_file", "configuration_error/missing_config", ex("System.IO.DirectoryNotFoundException", `Could not find a part of the path '/app/config/x.json'.`)},
	{"msg.template_file", "configuration_error/missing_config", ex("*fs.PathError", `open templates/receipt.html: no such file or directory`)},
	{"msg.template_file", "configuration_error/missing_config", ex("Error", `ENOENT: no such file or directory, open '/app/views/receipt.ejs'`)},
	{"msg.template_missing", "configuration_error/missing_config", ex("Error", `Failed to lookup view "receipt" in views directory "/app/views"`)},
	{"msg.template_missing.engines", "configuration_error/missing_config", goErr(`render receipt: template: no template "receipt.html" associated with template "layout"`)},
	{"msg.template_missing.engines", "configuration_error/missing_config", goErr(`html/template: "receipt.gohtml" is undefined`)},
	{"msg.template_missing.engines", "configuration_error/missing_config", goErr(`render: template receipt does not exist`)},
	{"msg.template_missing.engines", "configuration_error/missing_config", ex("mako.exceptions.TopLevelLookupException", `Cant locate template for uri 'receipt.html'`)},
	{"msg.template_missing.engines", "configuration_error/missing_config", ex("io.pebbletemplates.pebble.error.LoaderException", `Could not find template "receipt"`)},
	{"msg.template_missing.engines", "configuration_error/missing_config", ex("com.github.mustachejava.MustacheNotFoundException", `Template receipt.mustache not found`)},
	{"msg.template_missing.engines", "configuration_error/missing_config", ex("tera::Error", `Template 'receipt.html' not found`)},
	{"msg.template_missing", "configuration_error/missing_config", goErr(`html/template: pattern matches no files: ` + "`templates/*.gohtml`")},
	// Twig FilesystemLoader::findTemplate.
	{"msg.template_missing", "configuration_error/missing_config", ex("Twig\\Error\\LoaderError", `Unable to find template "base.html.twig" (looked into: /app/templates).`)},
	// application_exception, from messages
	{"msg.null.go", "application_exception/null_reference", goErr(`panic recovered: runtime error: invalid memory address or nil pointer dereference`)},
	{"msg.null.go", "application_exception/null_reference", goErr(`template: order:3:9: executing "order" at <.Customer.Name>: nil pointer evaluating *shop.Customer.Name`)},
	{"msg.null.js", "application_exception/null_reference", ex("Error", `Cannot read properties of null (reading 'id')`)},
	{"msg.null.js_old", "application_exception/null_reference", ex("Error", `Cannot read property 'id' of undefined`)},
	{"msg.null.python", "application_exception/null_reference", st(`'NoneType' object is not iterable`)},
	{"msg.null.ruby", "application_exception/null_reference", st("undefined method `total' for nil")},
	{"msg.null.php", "application_exception/null_reference", ex("ErrorException", `Attempt to read property "id" on null`)},
	{"msg.null.dotnet", "application_exception/null_reference", st(`Object reference not set to an instance of an object.`)},
	{"msg.null.java", "application_exception/null_reference", ex("java.lang.RuntimeException", `Cannot invoke "com.shop.Cart.getItems()" because "cart" is null`)},
	{"msg.type.go", "application_exception/type_error", goErr(`panic: interface conversion: interface {} is nil, not string`)},
	{"msg.type.go_json", "application_exception/type_error", goErr(`decode order: json: cannot unmarshal array into Go value of type map[string]interface {}`)},
	{"msg.type.go_json", "application_exception/type_error", goErr(`json: cannot unmarshal number 1.5 into Go struct field Line.qty of type int`)},
	{"msg.type.system_text_json", "application_exception/type_error", exs("System.Text.Json.JsonException", `The JSON value could not be converted to System.Int32. Path: $.qty | LineNumber: 0 | BytePositionInLine: 12.`,
		"System.Text.Json.JsonException: The JSON value could not be converted to System.Int32. Path: $.qty | LineNumber: 0 | BytePositionInLine: 12.\n ---> System.FormatException: Either the JSON value is not in a supported format, or is out of bounds for an Int32.\n   at System.Text.Json.ThrowHelper.ThrowFormatException(NumericType numericType)\n")},
	{"msg.type.jackson", "application_exception/type_error", ex("play.api.UnexpectedException", `Unexpected exception[RuntimeException: com.fasterxml.jackson.databind.exc.InvalidDefinitionException: No serializer found for class com.shop.Cart and no properties discovered to create BeanSerializer (to avoid exception, disable SerializationFeature.FAIL_ON_EMPTY_BEANS)]`)},
	{"msg.null.kotlin", "application_exception/null_reference", st(`null cannot be cast to non-null type kotlin.String`)},
	{"msg.type.java", "application_exception/type_error", st(`class java.lang.Long cannot be cast to class java.lang.Integer`)},
	{"msg.type.js", "application_exception/type_error", ex("Error", `order.items.map is not a function`)},
	{"msg.type.python", "application_exception/type_error", st(`can only concatenate str (not "int") to str`)},
	{"msg.type.ruby", "application_exception/type_error", st(`no implicit conversion of Integer into String`)},
	{"msg.type.php", "application_exception/type_error", st(`App\Service\Cart::add(): Argument #1 ($qty) must be of type int, string given`)},
	{"msg.index", "application_exception/index_out_of_range", goErr(`runtime error: slice bounds out of range [:12] with capacity 8`)},
	{"msg.key", "application_exception/key_error", ex("ErrorException", `Undefined array key "currency"`)},
	{"msg.assertion", "application_exception/assertion_failed", ex("Error", `AssertionError [ERR_ASSERTION]: quantity must be positive`)},
	{"msg.arithmetic", "application_exception/arithmetic", st(`Arithmetic operation resulted in an overflow.`)},
	{"msg.division_by_zero", "application_exception/arithmetic", goErr(`runtime error: integer divide by zero`)},
	{"msg.division_by_zero", "application_exception/arithmetic", st(`Modulo by zero`)},
	{"msg.stack_overflow", "application_exception/stack_overflow", ex("Error", `stack level too deep`)},
	{"msg.go_fatal", "application_exception/panic", goErr(`fatal error: concurrent map writes`)},
	// dependency_failure, from messages
	{"msg.grpc.tonic.deadline", "dependency_failure/upstream_timeout", ex("tonic::status::Status", `status: DeadlineExceeded, message: "Timeout expired", details: [], metadata: MetadataMap { headers: {} }`)},
	{"msg.grpc.tonic.unavailable", "dependency_failure/upstream_unreachable", ex("tonic::status::Status", `status: Unavailable, message: "service was not ready", details: [], metadata: MetadataMap { headers: {} }`)},
	{"msg.grpc.tonic", "dependency_failure/rpc_error", ex("tonic::status::Status", `status: Internal, message: "stock failed", details: [], metadata: MetadataMap { headers: {} }`)},
	{"msg.grpc.deadline", "dependency_failure/upstream_timeout", goErr(`get price: rpc error: code = DeadlineExceeded desc = context deadline exceeded`)},
	{"msg.grpc.unavailable", "dependency_failure/upstream_unreachable", goErr(`rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.0.0.8:50051: connect: connection refused"`)},
	// grpc-go before 1.4 printed the code's number.
	{"msg.grpc.unavailable", "dependency_failure/upstream_unreachable", goErr(`rpc error: code = 14 desc = grpc: the connection is unavailable`)},
	// net/http's url.Error of a dial that timed out, quoted (Go 1.14+) or not (aws-sdk-go's RequestError under older Go).
	{"msg.http.dial_timeout", "dependency_failure/upstream_unreachable", goErr("RequestError: send request failed\ncaused by: Post https://sqs.eu-west-1.amazonaws.com/: dial tcp 52.94.1.10:443: i/o timeout")},
	{"msg.http.dial_timeout", "dependency_failure/upstream_unreachable", goErr("RequestError: send request failed\ncaused by: Post https://sqs.eu-west-1.amazonaws.com/: dial tcp: i/o timeout")},
	{"msg.http.dial_timeout", "dependency_failure/upstream_unreachable", goErr(`charge: Post "http://payments:8080/charge": dial tcp 10.0.0.7:8080: i/o timeout`)},
	{"msg.grpc.deadline", "dependency_failure/upstream_timeout", goErr(`get price: rpc error: code = 4 desc = context deadline exceeded`)},
	{"msg.grpc.other", "dependency_failure/rpc_error", goErr(`rpc error: code = Internal desc = stock service failed`)},
	{"msg.circuit_open", "dependency_failure/upstream_unreachable", goErr(`charge: circuit breaker is open`)},
	{"msg.bulkhead_full", "resource_exhaustion/thread_pool_exhausted", st(`Bulkhead 'payments' is full and does not permit further calls`)},
	{"msg.bulkhead_full", "resource_exhaustion/thread_pool_exhausted", st(`Bulkhead 'payments' is full and thread was interrupted during permission wait`)},
	{"msg.http.gateway_timeout", "dependency_failure/upstream_timeout", ex("Error", `Request failed: 504 Gateway Timeout`)},
	{"msg.http.5xx", "dependency_failure/upstream_5xx", ex("System.Net.Http.HttpRequestException", `Response status code does not indicate success: 503 (Service Unavailable).`)},
	// python-sanic's downstream_500: aiohttp-client's span of raise_for_status, no http.status_code attribute.
	{"msg.http.5xx.status_first", "dependency_failure/upstream_5xx", diagnosis.Evidence{Kind: diagnosis.KindClient, Depth: 1, ExceptionType: "aiohttp.client_exceptions.ClientResponseError",
		ExceptionMessage: "500, message='Internal Server Error', url='http://127.0.0.1:41234/null'", StatusError: true}},
	{"msg.http.5xx.status_first", "dependency_failure/upstream_5xx", ex("HTTPError", `Response code 502 (Bad Gateway)`)},
	// reqwest's Display without its source chain (an application logging the error alone).
	{"msg.http.reqwest_send", "dependency_failure/upstream_unreachable", ex("reqwest::Error", `error sending request for url (http://127.0.0.1:42377/payments)`)},
	// reqwest with its source in the message: the source's words decide.
	{"msg.timeout.http", "dependency_failure/upstream_timeout", ex("reqwest::Error", `error sending request for url (http://127.0.0.1:42377/slow): operation timed out`)},
	{"msg.http.5xx.ofetch", "dependency_failure/upstream_5xx", ex("FetchError", `[GET] "http://127.0.0.1:41234/payments": 500 Internal Server Error`)},
	{"msg.http.bun_fetch", "dependency_failure/upstream_unreachable", ex("Error", `Unable to connect. Is the computer able to access the url?`)},
	{"msg.http.markup_body", "dependency_failure/bad_upstream_response", ex("FetchError", `invalid json response body at https://pay.example/charge reason: Unexpected end of JSON input`)},
	{"msg.http.markup_body", "dependency_failure/bad_upstream_response", ex("SyntaxError", `Unexpected token '<', "<!DOCTYPE "... is not valid JSON`)},
	{"msg.http.markup_body", "dependency_failure/bad_upstream_response", ex("Newtonsoft.Json.JsonReaderException", `Unexpected character encountered while parsing value: <. Path '', line 0, position 0.`)},
	{"msg.http.markup_body", "dependency_failure/bad_upstream_response", ex("com.fasterxml.jackson.core.JsonParseException", "Unexpected character ('<' (code 60)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: REDACTED; line: 1, column: 2]")},
	{"msg.http.markup_body", "dependency_failure/bad_upstream_response", goErr(`decode rates: invalid character '<' looking for beginning of value`)},
	// A '<' elsewhere in the document is a malformed JSON, not a page in its place.
	{"generic.exception", "application_exception/unhandled_exception", ex("Newtonsoft.Json.JsonReaderException", `Unexpected character encountered while parsing value: <. Path 'items[3].name', line 1, position 120.`)},
	{"msg.http.aws_endpoint", "dependency_failure/upstream_unreachable", ex("botocore.exceptions.EndpointConnectionError", `Could not connect to the endpoint URL: "http://127.0.0.1:9000/receipts/7.pdf"`)},
	{"msg.http.aws_endpoint", "dependency_failure/upstream_unreachable", ex("botocore.exceptions.ConnectTimeoutError", `Connect timeout on endpoint URL: "https://s3.eu-west-1.amazonaws.com/receipts/7.pdf"`)},
	{"msg.http.aws_endpoint.read_timeout", "dependency_failure/upstream_timeout", ex("botocore.exceptions.ReadTimeoutError", `Read timeout on endpoint URL: "https://dynamodb.eu-west-1.amazonaws.com/"`)},
	{"msg.http.429", "dependency_failure/upstream_rate_limited", ex("requests.exceptions.HTTPError", `429 Client Error: Too Many Requests for url: https://api.partner.example/v1/rates`)},
	{"msg.timeout.tokio", "dependency_failure/upstream_timeout", ex("tokio::time::error::Elapsed", "deadline has elapsed")},
	{"msg.timeout.tokio", "database_timeout/query_canceled", diagnosis.Evidence{Kind: diagnosis.KindDB, Depth: 1, DBSystem: "postgresql", ExceptionMessage: "deadline has elapsed", StatusError: true}},
	{"msg.context_deadline", "dependency_failure/upstream_timeout", goErr(`Post "http://payments:8080/charge": context deadline exceeded`)},
	{"msg.timeout.http", "dependency_failure/upstream_timeout", ex("AxiosError", `timeout of 5000ms exceeded`)},
	{"msg.context_canceled", "database_timeout/query_canceled", goDB("postgresql", `context canceled`)},
	// security
	{"msg.abuse.rate", "security/suspected_abuse", st(`rate limit exceeded for client 203.0.113.7`)},
	{"msg.abuse.payload", "security/suspected_abuse", goErr(`decode body: http: request body too large`)},
	{"msg.abuse.host", "security/suspected_abuse", st(`Invalid HTTP_HOST header: 'x.evil'`)},
	// panics
	{"msg.panic.rust", "application_exception/panic", st(`thread 'tokio-runtime-worker' panicked at src/handlers/order.rs:42:10: called Option::unwrap() on a None value`)},
	{"msg.panic.go", "application_exception/panic", exs("*errors.errorString", `stock reservation failed badly`, "goroutine 42 [running]:\nruntime/debug.Stack()\n\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e\npanic({0x9a2b40?, 0xc0001a2f30?})\n\t/usr/local/go/src/runtime/panic.go:785 +0x132\nmain.reserve()\n\t/app/main.go:88 +0x1f")},
	// Clustered databases' clients with no node left (gocql, the Elasticsearch clients); ServiceStack.Redis's connect.
	{"msg.no_nodes", "database_connection/connection_refused", goErr("gocql: no hosts available in the pool")},
	{"msg.no_nodes", "database_connection/connection_refused", ex("NoLivingConnectionsError", "There are no living connections")},
	{"msg.no_nodes", "database_connection/connection_refused", goErr("health check timeout: no Elasticsearch node available")},
	{"msg.redis.connect.servicestack", "database_connection/connection_refused", ex("ServiceStack.Redis.RedisException", "could not connect to redis Instance at localhost:6379")},
	// httplib2's ServerNotFoundError of a failed lookup; Velocity's template that no loader has.
	{"msg.dns", "dependency_failure/upstream_unreachable", ex("httplib2.error.ServerNotFoundError", "Unable to find the server at payments.internal")},
	{"msg.template_missing", "configuration_error/missing_config", ex("org.apache.velocity.exception.ResourceNotFoundException", "Unable to find resource 'templates/cart.vm' in any resource loader.")},
	// go-retryablehttp out of retries: every answer was retryable (5xx); with its last error after it, the error decides.
	{"msg.http.retries_exhausted", "dependency_failure/upstream_5xx", goErr("GET http://payments:8080/charge giving up after 4 attempt(s)")},
	{"msg.connection_refused", "dependency_failure/upstream_unreachable", goErr(`GET http://payments:8080/charge giving up after 4 attempt(s): Get "http://payments:8080/charge": dial tcp 10.0.0.5:8080: connect: connection refused`)},
	// google-http-java-client's status line first, the request after it; the server's own "500 ...: description" is not one.
	{"msg.http.5xx.status_line", "dependency_failure/upstream_5xx", ex("com.google.api.client.http.HttpResponseException", "500 Internal Server Error\nGET http://payments:8080/charge")},
	{"msg.http.5xx.status_line", "dependency_failure/upstream_5xx", ex("com.google.api.client.http.HttpResponseException", "503 Service Unavailable")},
	{"generic.exception", "application_exception/unhandled_exception", ex("werkzeug.exceptions.InternalServerError", "500 Internal Server Error: The server encountered an internal error and was unable to complete your request.")},
})

var clientCases = register([]tc{
	{"grpc.status.4", "dependency_failure/upstream_timeout", diagnosis.Evidence{Kind: diagnosis.KindClient, RPCSystem: "grpc", RPCStatusCode: "4", StatusError: true}},
	{"grpc.status.14", "dependency_failure/upstream_unreachable", diagnosis.Evidence{Kind: diagnosis.KindClient, RPCSystem: "grpc", RPCStatusCode: "14", StatusError: true}},
	{"grpc.status.8", "dependency_failure/upstream_rate_limited", diagnosis.Evidence{Kind: diagnosis.KindClient, RPCSystem: "grpc", RPCStatusCode: "8", StatusError: true}},
	{"grpc.status.other", "dependency_failure/rpc_error", diagnosis.Evidence{Kind: diagnosis.KindClient, RPCSystem: "grpc", RPCStatusCode: "13", StatusError: true, StatusMessage: "stock service failed"}},
	{"grpc.status.4", "dependency_failure/upstream_timeout", diagnosis.Evidence{Kind: diagnosis.KindClient, RPCSystem: "connect_rpc", RPCStatusCode: "deadline_exceeded", StatusError: true}},
	{"http.client.429", "dependency_failure/upstream_rate_limited", cl(429, "429")},
	{"http.client.5xx", "dependency_failure/upstream_5xx", cl(500, "")},
	{"http.client.5xx", "dependency_failure/upstream_5xx", cl(502, "")},
	{"http.client.5xx", "dependency_failure/upstream_5xx", cl(0, "503")},
	{"errortype.timeout", "dependency_failure/upstream_timeout", cl(0, "timeout")},
	{"errortype.timeout", "database_timeout/statement_timeout", diagnosis.Evidence{Kind: diagnosis.KindDB, DBSystem: "redis", ErrorType: "timeout", StatusError: true}},
	{"errortype.connection_refused", "dependency_failure/upstream_unreachable", cl(0, "connection_refused")},
	{"errortype.connection_reset", "database_connection/connection_reset", diagnosis.Evidence{Kind: diagnosis.KindDB, DBSystem: "postgresql", ErrorType: "connection_reset", StatusError: true}},
	{"errortype.dns", "dependency_failure/upstream_unreachable", cl(0, "name_resolution_error")},
	{"errortype.tls", "dependency_failure/tls_failure", cl(0, "tls_error")},
	{"errortype.canceled", "database_timeout/query_canceled", diagnosis.Evidence{Kind: diagnosis.KindDB, DBSystem: "mongodb", ErrorType: "cancelled", StatusError: true}},
	{"java.SocketTimeoutException", "dependency_failure/upstream_timeout", cl(0, "java.net.SocketTimeoutException")},
	{"go.context.DeadlineExceeded", "dependency_failure/upstream_timeout", cl(0, "context.deadlineExceededError")},
	{"go.net.OpError", "dependency_failure/upstream_unreachable", cl(0, "*net.OpError")},
	// generic fallbacks
	{"generic.exception", "application_exception/unhandled_exception", ex("com.shop.OrderRejectedException", `order 42 rejected`)},
	{"generic.db_error", "database_query/query_error", dbx("postgresql", "*pgconn.PgError", `ERROR: something unexpected happened`)},
	{"generic.client_error", "dependency_failure/upstream_unreachable", diagnosis.Evidence{Kind: diagnosis.KindClient, StatusError: true}},
	// Tornado's client span of a request that got no response (tornado/httpclient.py HTTPClientError 599).
	{"generic.client_error", "dependency_failure/upstream_unreachable", cl(599, "")},
	{"generic.client_error", "dependency_failure/rpc_error", diagnosis.Evidence{Kind: diagnosis.KindClient, RPCSystem: "grpc", StatusError: true, StatusMessage: "stream error"}},
	{"generic.status", "application_exception/unhandled_exception", st(`checkout failed`)},
})

var securityCases = register([]tc{
	// pgx reports only the token; the failed statement shows the payload.
	{"security.sqli.tautology", "security/suspected_injection", func() diagnosis.Evidence {
		e := dbx("postgresql", "*pgconn.PgError", `ERROR: syntax error at or near "1" (SQLSTATE 42601)`)
		e.DBQueryText = `SELECT id, name FROM products WHERE name = '' OR '1'='1' --'`
		return e
	}()},
	{"postgresql.sqlstate.42601", "database_query/syntax_error", func() diagnosis.Evidence {
		e := dbx("postgresql", "*pgconn.PgError", `ERROR: syntax error at or near "FORM" (SQLSTATE 42601)`)
		e.DBQueryText = `SELECT id FORM products`
		return e
	}()},
	{"security.sqli.tautology", "security/suspected_injection", ex("psycopg2.errors.SyntaxError", "syntax error at or near \"1\"\nLINE 1: SELECT * FROM users WHERE name = '' OR '1'='1' AND pw = ''")},
	{"security.sqli.union", "security/suspected_injection", dbx("mysql", "*mysql.MySQLError", `Error 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'UNION SELECT username, password FROM users' at line 1`)},
	{"security.sqli.stacked", "security/suspected_injection", ex("Microsoft.Data.SqlClient.SqlException", `Incorrect syntax near '; DROP TABLE users'.`)},
	{"security.sqli.comment", "security/suspected_injection", ex("org.postgresql.util.PSQLException", `ERROR: unterminated quoted string at or near "'admin'--"`)},
	// sqlmapproject/sqlmap#2814, opencart/opencart#3398: a quote typed into the input closes the literal early.
	{"security.sqli.quote_break", "security/suspected_injection", ex("PDOException", `SQLSTATE[42000]: Syntax error or access violation: 1064 You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near ''aaaaa''' at line 1`)},
	{"mysql.error.1064", "database_query/syntax_error", dbx("mysql", "*mysql.MySQLError", `Error 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '' at line 1`)},
	// WebPlatformTest/HTML5test#431: a query built wrong, no quote at the failure.
	{"msg.syntax.mysql", "database_query/syntax_error", ex("", `You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'ORDER BY timestamp DESC LIMIT 100' at line 7`)},
	{"security.sqli.time", "security/suspected_injection", ex("org.postgresql.util.PSQLException", `ERROR: invalid input syntax for type integer: "1;select pg_sleep(10)"`)},
	{"security.sqli.probe", "security/suspected_injection", dbx("mysql", "*mysql.MySQLError", `Error 1054 (42S22): Unknown column 'information_schema' in 'where clause'`)},
	// mrmarchone/laravel-auto-crud#1: MySQL's catalog query run on PostgreSQL, whose information_schema lacks the column.
	{"postgresql.sqlstate.42703", "database_query/undefined_column", ex(`Illuminate\Database\QueryException`, "SQLSTATE[42703]: Undefined column: 7 ERROR:  column \"column_key\" does not exist\nLINE 1: SELECT COLUMN_NAME, COLUMN_KEY, IS_NULLABLE, DATA_TYPE, CHAR...\n                            ^ (Connection: pgsql, SQL: SELECT COLUMN_NAME, COLUMN_KEY, IS_NULLABLE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = subscription_addons AND COLUMN_NAME = id)")},
	{"security.path_traversal", "security/suspected_injection", ex("FileNotFoundError", `[Errno 2] No such file or directory: '/srv/files/../../etc/passwd.json'`)},
})

func TestPatterns(t *testing.T) { runCases(t, patternCases) }
func TestClient(t *testing.T)   { runCases(t, clientCases) }
func TestSecurity(t *testing.T) { runCases(t, securityCases) }

// go-gin downstream_timeout-2: otelhttp's client span of a call net/http's
// Client.Timeout gave up on; the same words elsewhere say nothing.
var goCanceledCases = register([]tc{
	{"msg.canceled.go_http", "dependency_failure/upstream_timeout", diagnosis.Evidence{Kind: diagnosis.KindClient, Depth: 1, Peer: "127.0.0.1",
		ErrorType: "*errors.errorString", StatusMessage: "net/http: request canceled", StatusError: true}},
})

func TestGoCanceled(t *testing.T) {
	runCases(t, goCanceledCases)
	plain := st("net/http: request canceled")
	if m, _ := MatchEvidence(&plain); m.Rule == "msg.canceled.go_http" {
		t.Errorf("a plain span's words: %s", m.Rule)
	}
}
