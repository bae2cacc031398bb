package stackframe

import (
	"slices"
	"strings"
	"testing"
)

// One-frame traces of a library raising, in each language's print form,
// above an application frame: the frame names come from the library's own
// source (libraries.go cites the file).
func javaAt(class string) string {
	return "java.lang.RuntimeException: failed\n\tat " + class + "(Lib.java:10)\n" + javaApp
}

func pyAt(path string) string {
	return "Traceback (most recent call last):\n" + pyApp +
		"  File \"/usr/local/lib/python3.12/site-packages" + path + "\", line 10, in call\n    raise Failure()\nValueError: failed\n"
}

func goAt(fn string) string {
	return "panic: failed\n\ngoroutine 7 [running]:\n" + fn + "(0xc000123456)\n\t/go/pkg/mod/lib/lib.go:10 +0x1d\n" + goApp
}

func nodeAt(path string) string {
	return "Error: failed\n    at Lib.call (" + path + ":10:5)\n" + nodeApp
}

func dotnetAt(q string) string {
	return "System.Exception: failed\n   at " + q + "()\n" + dotnetApp
}

func rubyAt(path string) string {
	return "/usr/local/bundle" + path + ":10:in 'Lib#call': failed (RuntimeError)\n" + rubyApp
}

func phpAt(q string) string { return "Exception: failed\n\tat " + q + "(Lib.php:10)\n" + phpApp }

var originTests = []struct {
	want, trace, typ string
}{
	{"java.hikaricp", javaAt("com.zaxxer.hikari.pool.HikariPool.createTimeoutException"), ""},
	{"java.dbcp2", javaAt("org.apache.commons.dbcp2.PoolingDataSource.getConnection"), ""},
	{"java.commons_pool2", javaAt("org.apache.commons.pool2.impl.GenericObjectPool.borrowObject"), ""},
	{"java.c3p0", javaAt("com.mchange.v2.resourcepool.BasicResourcePool.awaitAvailable"), ""},
	{"java.druid", javaAt("com.alibaba.druid.pool.DruidDataSource.getConnectionInternal"), ""},
	{"java.tomcat_jdbc", javaAt("org.apache.tomcat.jdbc.pool.ConnectionPool.borrowConnection"), ""},
	{"java.agroal", javaAt("io.agroal.pool.ConnectionPool.handlerFromSharedCache"), ""},
	{"java.vibur", javaAt("org.vibur.dbcp.pool.PoolOperations.getProxyConnection"), ""},
	{"java.oracle_ucp", javaAt("oracle.ucp.jdbc.PoolDataSourceImpl.getConnection"), ""},
	{"java.okhttp2", javaAt("com.squareup.okhttp.internal.Platform$Android.connectSocket"), ""},
	{"java.ribbon", javaAt("com.netflix.loadbalancer.LoadBalancerContext.getServerFromLoadBalancer"), ""},
	{"java.ribbon", "", "com.netflix.client.ClientException"},
	{"python.asynch_pool", pyAt("/asynch/pool.py"), ""},
	{"java.reactor_netty", javaAt("reactor.netty.resources.PooledConnectionProvider$DisposableAcquire.run"), ""},
	{"java.r2dbc_pool", javaAt("reactor.pool.AbstractPool$Borrower.run"), ""},
	{"java.r2dbc_spi", "", "io.r2dbc.spi.R2dbcNonTransientResourceException"},
	{"java.redisson", javaAt("org.redisson.connection.MasterSlaveConnectionManager.doConnect"), ""},
	{"java.pgjdbc", javaAt("org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl"), ""},
	{"java.r2dbc_postgresql", javaAt("io.r2dbc.postgresql.PostgresqlConnectionFactory.create"), ""},
	{"java.vertx_pgclient", javaAt("io.vertx.pgclient.impl.PgSocketConnection.init"), ""},
	{"java.vertx_pgclient", javaAt("io.reactiverse.pgclient.impl.SocketConnection.schedule"), ""},
	{"java.vertx_mysqlclient", javaAt("io.vertx.mysqlclient.impl.MySQLSocketConnection.init"), ""},
	{"java.vertx_mysqlclient", "", "io.vertx.mysqlclient.MySQLException"},
	{"java.vertx_mssqlclient", javaAt("io.vertx.mssqlclient.impl.MSSQLSocketConnection.init"), ""},
	{"java.vertx_oracleclient", "", "io.vertx.oracleclient.OracleException"},
	{"java.vertx_sqlclient", javaAt("io.vertx.sqlclient.impl.pool.SqlConnectionPool.lambda$execute$3"), ""},
	{"java.mysql_connector", javaAt("com.mysql.cj.exceptions.ExceptionFactory.createException"), ""},
	{"java.mariadb", javaAt("org.mariadb.jdbc.client.impl.ConnectionHelper.connectSocket"), ""},
	{"java.mssql_jdbc", javaAt("com.microsoft.sqlserver.jdbc.SQLServerConnection.connectHelper"), ""},
	{"java.oracle_jdbc", javaAt("oracle.net.ns.NSProtocol.connect"), ""},
	{"java.mongodb", javaAt("com.mongodb.internal.connection.SocketStream.open"), ""},
	{"java.lettuce", javaAt("io.lettuce.core.RedisClient.connect"), ""},
	{"java.quarkus_redis", javaAt("io.quarkus.redis.runtime.datasource.BlockingRedisDataSourceImpl.execute"), ""},
	{"java.jedis", javaAt("redis.clients.jedis.util.Pool.getResource"), ""},
	{"java.apache_httpclient", javaAt("org.apache.hc.client5.http.impl.classic.InternalHttpClient.doExecute"), ""},
	{"java.okhttp", javaAt("okhttp3.internal.connection.RealCall.execute"), ""},
	{"java.jdk_httpclient", javaAt("jdk.internal.net.http.HttpClientImpl.send"), ""},
	{"java.spring_web_client", javaAt("org.springframework.web.client.RestTemplate.doExecute"), ""},
	{"java.feign", javaAt("feign.SynchronousMethodHandler.executeAndDecode"), ""},
	{"java.grpc", javaAt("io.grpc.stub.ClientCalls.toStatusRuntimeException"), ""},
	{"java.spring_env", javaAt("org.springframework.core.env.AbstractPropertyResolver.convertValueIfNecessary"), ""},
	{"java.smallrye_config", javaAt("io.smallrye.config.SmallRyeConfig.getValue"), ""},
	{"java.commons_configuration", javaAt("org.apache.commons.configuration2.AbstractConfiguration.throwMissingPropertyException"), ""},
	{"java.commons_configuration", "", "org.apache.commons.configuration2.ex.ConversionException"},
	{"java.iceberg_properties", javaAt("org.apache.iceberg.util.PropertyUtil.propertyAsInt"), ""},
	{"java.typesafe_config", javaAt("com.typesafe.config.impl.SimpleConfig.findKeyOrNull"), ""},
	{"java.micronaut_config", javaAt("io.micronaut.context.env.DefaultEnvironment.getProperty"), ""},
	{"java.dropwizard_config", javaAt("io.dropwizard.configuration.BaseConfigurationFactory.build"), ""},
	{"java.dropwizard_config", "", "io.dropwizard.configuration.UndefinedEnvironmentVariableException"},
	{"java.helidon_config", javaAt("io.helidon.config.ConfigValueBase.get"), ""},
	{"java.helidon_config", "", "io.helidon.config.MissingValueException"},
	{"java.redisson", javaAt("org.redisson.connection.pool.ConnectionPool$1.lambda$run$0"), ""},
	{"java.redisson", "", "org.redisson.client.RedisConnectionException"},
	{"java.spring_data_redis", javaAt("org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory$SharedConnection.getNativeConnection"), ""},
	{"java.spring_data_redis", "", "org.springframework.data.redis.RedisConnectionFailureException"},
	{"java.owner", javaAt("org.aeonbits.owner.Converters$19.convert"), ""},
	{"java.owner", "", "org.aeonbits.owner.MissingMandatoryPropertyException"},
	{"java.thymeleaf", javaAt("org.thymeleaf.templateparser.markup.AbstractMarkupTemplateParser.parse"), ""},
	{"java.freemarker", javaAt("freemarker.template.Configuration.getTemplate"), ""},
	{"java.nio_file", javaAt("sun.nio.fs.UnixException.translateToIOException"), ""},

	{"python.psycopg_pool", pyAt("/psycopg_pool/pool.py"), ""},
	{"python.sqlalchemy_pool", pyAt("/sqlalchemy/pool/impl.py"), ""},
	{"python.asyncpg_pool", pyAt("/asyncpg/pool.py"), ""},
	{"python.psycopg2_pool", pyAt("/psycopg2/pool.py"), ""},
	{"python.psycopg2_pool", "", "psycopg2.pool.PoolError"},
	{"python.peewee_pool", pyAt("/playhouse/pool.py"), ""},
	{"python.aiopg_pool", pyAt("/aiopg/pool.py"), ""},
	{"python.aiopg", pyAt("/aiopg/connection.py"), ""},
	{"python.peewee", pyAt("/peewee.py"), ""},
	{"python.tortoise", pyAt("/tortoise/queryset.py"), ""},
	{"python.pg8000", pyAt("/pg8000/core.py"), ""},
	{"python.oracledb", pyAt("/oracledb/connection.py"), ""},
	{"python.oracledb", "", "oracledb.exceptions.OperationalError"},
	{"python.pymssql", "", "pymssql.exceptions.OperationalError"},
	{"python.pymssql", pyAt("/pymssql/__init__.py"), ""},
	{"python.asyncmy", "", "asyncmy.errors.OperationalError"},
	{"python.asyncmy", pyAt("/asyncmy/pool.py"), ""},
	{"python.motor", pyAt("/motor/core.py"), ""},
	{"python.aioredis", pyAt("/aioredis/connection.py"), ""},
	{"python.asyncpg", pyAt("/asyncpg/connect_utils.py"), ""},
	{"python.psycopg", pyAt("/psycopg/connection.py"), ""},
	{"python.psycopg2", pyAt("/psycopg2/__init__.py"), ""},
	{"python.pymysql", pyAt("/pymysql/connections.py"), ""},
	{"python.mysqlclient", pyAt("/MySQLdb/connections.py"), ""},
	{"python.aiomysql", pyAt("/aiomysql/connection.py"), ""},
	{"python.mysql_connector", pyAt("/mysql/connector/connection.py"), ""},
	{"python.pymongo", pyAt("/pymongo/synchronous/topology.py"), ""},
	{"python.redis", pyAt("/redis/connection.py"), ""},
	{"python.sqlalchemy_engine", pyAt("/sqlalchemy/engine/base.py"), ""},
	{"python.requests", pyAt("/requests/adapters.py"), ""},
	{"python.urllib3", pyAt("/urllib3/connectionpool.py"), ""},
	{"python.httpx", pyAt("/httpcore/_sync/connection.py"), ""},
	{"python.aiohttp", pyAt("/aiohttp/connector.py"), ""},
	{"python.grpc", pyAt("/grpc/_channel.py"), ""},
	{"python.os_environ", "Traceback (most recent call last):\n" + pyApp + "  File \"<frozen os>\", line 714, in __getitem__\nKeyError: 'PORT'\n", ""},
	{"python.pydantic_settings", pyAt("/pydantic_settings/main.py"), ""},
	{"python.configparser", pyAt("/configparser.py"), ""},
	{"python.configparser", "", "configparser.NoOptionError"},
	{"python.decouple", pyAt("/decouple.py"), ""},
	{"python.environs", pyAt("/environs/__init__.py"), ""},
	{"python.dynaconf", pyAt("/dynaconf/base.py"), ""},
	{"python.dynaconf", "", "dynaconf.utils.parse_conf.DynaconfParseError"},
	{"python.starlette_config", pyAt("/starlette/config.py"), ""},
	{"python.everett", pyAt("/everett/manager.py"), ""},
	{"python.everett", "", "everett.ConfigurationMissingError"},
	{"python.omegaconf", pyAt("/omegaconf/_utils.py"), ""},
	{"python.omegaconf", "", "omegaconf.errors.MissingMandatoryValue"},
	{"python.confuse", pyAt("/confuse/core.py"), ""},
	{"python.environ_config", pyAt("/environ/_environ_config.py"), ""},
	{"python.environ_config", "", "environ.exceptions.MissingEnvValueError"},
	{"python.pydantic_settings", "Traceback (most recent call last):\n" + pyApp + "  File \"pydantic/env_settings.py\", line 39, in pydantic.env_settings.BaseSettings.__init__\n  File \"pydantic/main.py\", line 341, in pydantic.main.BaseModel.__init__\npydantic.error_wrappers.ValidationError: 1 validation error for Settings\n", ""},
	{"python.django_environ", pyAt("/usr/lib/python3.11/site-packages/environ/environ.py"), ""},
	{"python.django_conf", pyAt("/django/conf/__init__.py"), ""},
	{"python.flask_config", pyAt("/flask/config.py"), ""},
	{"python.sanic_config", pyAt("/sanic/config.py"), ""},
	{"python.config_mapping", "Traceback (most recent call last):\n" + pyApp + "  File \"/srv/app/shop/settings.py\", line 12, in page_size\n    return int(CONFIG[\"page_size\"])\nValueError: invalid literal for int() with base 10: 'twenty'\n", ""},
	{"python.tornado_options", pyAt("/tornado/options.py"), ""},
	{"python.tornado_options", "", "tornado.options.Error"},
	{"python.aiomysql_pool", pyAt("/aiomysql/pool.py"), ""},
	{"python.aiomysql", pyAt("/aiomysql/connection.py"), ""},
	{"java.ktor_config", javaAt("io.ktor.server.config.HoconApplicationConfig.property"), ""},
	{"java.micronaut_http_client", javaAt("io.micronaut.http.client.netty.DefaultHttpClient.lambda$exchange$1"), ""},
	{"java.ktor_client", javaAt("io.ktor.client.plugins.DefaultResponseValidationKt$addDefaultResponseValidation$1$1.invokeSuspend"), ""},
	{"java.retrofit", "", "retrofit2.HttpException"},
	{"java.jaxrs_client", javaAt("org.glassfish.jersey.client.JerseyInvocation.convertToException"), ""},
	{"python.tornado_httpclient", pyAt("/tornado/simple_httpclient.py"), ""},
	{"node.superagent", nodeAt("/app/node_modules/superagent/lib/node/index.js"), ""},
	{"java.memcached", javaAt("net.spy.memcached.MemcachedClient.get"), ""},
	{"java.memcached", "", "net.rubyeye.xmemcached.exception.MemcachedException"},
	{"go.redigo", goAt("github.com/gomodule/redigo/redis.(*Pool).GetContext"), ""},
	{"go.rueidis", goAt("github.com/redis/rueidis.(*singleClient).Do"), ""},
	{"go.gomemcache", goAt("github.com/bradfitz/gomemcache/memcache.(*Client).dial"), ""},
	{"go.gomemcache", "", "*memcache.ConnectTimeoutError"},
	{"node.memcached", nodeAt("/app/node_modules/memjs/lib/memjs/server.js"), ""},
	{"python.pymemcache", pyAt("/pymemcache/client/base.py"), ""},
	{"python.pymemcache", "", "pymemcache.exceptions.MemcacheUnexpectedCloseError"},
	{"python.jinja2", pyAt("/jinja2/loaders.py"), ""},
	{"python.django_template", pyAt("/django/template/loader.py"), ""},
	{"python.webpy_template", pyAt("/web/template.py"), ""},

	{"go.pgxpool", goAt("github.com/jackc/pgx/v5/pgxpool.(*Pool).Acquire"), ""},
	{"go.pgx", goAt("github.com/jackc/pgx/v5/pgconn.connectOne"), ""},
	{"go.lib_pq", goAt("github.com/lib/pq.(*conn).query"), ""},
	{"go.mysql", goAt("github.com/go-sql-driver/mysql.(*mysqlConn).readPacket"), ""},
	{"go.database_sql", goAt("database/sql.(*DB).conn"), ""},
	{"go.go_redis", goAt("github.com/redis/go-redis/v9/internal/pool.(*ConnPool).waitTurn"), ""},
	{"go.mongo", goAt("go.mongodb.org/mongo-driver/x/mongo/driver/topology.(*Topology).SelectServer"), ""},
	{"go.net_http_client", goAt("net/http.(*Client).do"), ""},
	{"go.grpc", goAt("google.golang.org/grpc.(*ClientConn).Invoke"), ""},
	{"go.envconfig", goAt("github.com/kelseyhightower/envconfig.Process"), ""},
	{"go.goconfig", goAt("consul-envoy-xds/vendor/github.com/gojek-engineering/goconfig.checkKey"), ""},
	{"go.netflix_env", goAt("github.com/Netflix/go-env.Unmarshal"), ""},
	{"go.netflix_env", "", "*env.ErrMissingRequiredValue"},
	{"go.template", goAt("html/template.(*Template).Execute"), ""},
	{"go.os_file", goAt("os.ReadFile"), ""},

	{"node.pg_pool", nodeAt("/app/node_modules/pg-pool/index.js"), ""},
	{"node.pg", nodeAt("/app/node_modules/pg/lib/client.js"), ""},
	// brianc/node-postgres#2162: a Windows path.
	{"node.pg", nodeAt(`C:\Projects\p\node_modules\pg\lib\client.js`), ""},
	{"node.mysql2_pool", nodeAt("/app/node_modules/mysql2/lib/pool.js"), ""},
	{"node.mysql2", nodeAt("/app/node_modules/mysql2/lib/connection.js"), ""},
	{"node.mariadb", nodeAt("/app/node_modules/mariadb/dist/promise.cjs"), ""},
	{"node.mariadb", nodeAt("/app/node_modules/mariadb/lib/pool.js"), ""},
	{"node.tarn", nodeAt("/app/node_modules/tarn/dist/Pool.js"), ""},
	{"node.postgres_js", nodeAt("/app/node_modules/postgres/cjs/src/connection.js"), ""},
	{"node.mssql", nodeAt("/app/node_modules/tedious/lib/connection.js"), ""},
	{"node.oracledb", nodeAt("/app/node_modules/oracledb/lib/errors.js"), ""},
	{"node.knex", nodeAt("/app/node_modules/knex/lib/client.js"), ""},
	{"node.orm", nodeAt("/app/node_modules/sequelize/lib/dialects/abstract/connection-manager.js"), ""},
	{"node.orm", nodeAt("/app/node_modules/drizzle-orm/pg-core/session.cjs"), ""},
	{"node.ioredis", nodeAt("/app/node_modules/ioredis/built/Redis.js"), ""},
	{"node.nconf", nodeAt("/app/node_modules/nconf/lib/nconf/provider.js"), ""},
	{"node.redis", nodeAt("/app/node_modules/@redis/client/dist/lib/client/socket.js"), ""},
	{"node.mongodb", nodeAt("/app/node_modules/mongodb/lib/sdam/topology.js"), ""},
	{"node.undici", nodeAt("node:internal/deps/undici/undici"), ""},
	{"node.axios", nodeAt("/app/node_modules/axios/lib/adapters/http.js"), ""},
	{"node.grpc", nodeAt("/app/node_modules/@grpc/grpc-js/build/src/call.js"), ""},
	{"node.config", nodeAt("/app/node_modules/config/lib/config.js"), ""},
	{"node.template", nodeAt("/app/node_modules/ejs/lib/ejs.js"), ""},
	{"node.fs", nodeAt("node:fs"), ""},

	{"dotnet.npgsql_pool", dotnetAt("Npgsql.PoolingDataSource.Get"), ""},
	{"dotnet.npgsql", dotnetAt("Npgsql.Internal.NpgsqlConnector.Open"), ""},
	{"dotnet.sqlclient_pool", dotnetAt("Microsoft.Data.ProviderBase.DbConnectionFactory.TryGetConnection"), ""},
	{"dotnet.sqlclient", dotnetAt("Microsoft.Data.SqlClient.SqlConnection.Open"), ""},
	{"dotnet.mysqlconnector_pool", dotnetAt("MySqlConnector.Core.ConnectionPool.GetSessionAsync"), ""},
	{"dotnet.mysql", dotnetAt("MySqlConnector.MySqlConnection.OpenAsync"), ""},
	{"dotnet.stackexchange_redis", dotnetAt("StackExchange.Redis.ConnectionMultiplexer.ExecuteSyncImpl"), ""},
	{"dotnet.mongodb", dotnetAt("MongoDB.Driver.Core.Clusters.Cluster.SelectServer"), ""},
	{"dotnet.efcore", dotnetAt("Microsoft.EntityFrameworkCore.Storage.RelationalConnection.Open"), ""},
	{"dotnet.httpclient", dotnetAt("System.Net.Http.HttpConnectionPool.ConnectToTcpHostAsync"), ""},
	{"dotnet.grpc", dotnetAt("Grpc.Net.Client.Internal.GrpcCall`2.GetResponseHeadersCoreAsync"), ""},
	{"dotnet.configuration", dotnetAt("Microsoft.Extensions.Configuration.ConfigurationBinder.BindInstance"), ""},
	{"dotnet.file_io", dotnetAt("Microsoft.Win32.SafeHandles.SafeFileHandle.Open"), ""},

	{"ruby.activerecord_pool", rubyAt("/gems/activerecord-7.1.3/lib/active_record/connection_adapters/abstract/connection_pool/queue.rb"), ""},
	{"ruby.connection_pool", rubyAt("/gems/connection_pool-2.4.1/lib/connection_pool/timed_stack.rb"), ""},
	{"ruby.pg", rubyAt("/gems/pg-1.5.6/lib/pg/connection.rb"), ""},
	{"ruby.mysql2", rubyAt("/gems/mysql2-0.5.6/lib/mysql2/client.rb"), ""},
	{"ruby.redis", rubyAt("/gems/redis-client-0.22.2/lib/redis_client.rb"), ""},
	{"ruby.http_client", rubyAt("/gems/faraday-2.9.0/lib/faraday/adapter/net_http.rb"), ""},

	{"php.pdo", phpAt("Doctrine.DBAL.Driver.PDO.Connection.query"), ""},
	{"php.predis", phpAt("Predis.Connection.StreamConnection.createResource"), ""},
	{"php.guzzle", phpAt("GuzzleHttp.Handler.CurlFactory.createRejection"), ""},

	// The exception type's namespace, when no frame says.
	{"python.psycopg_pool", "", "psycopg_pool.PoolTimeout"},
	{"ruby.pg", "", "PG::ConnectionBad"},
	{"php.predis", "", `Predis\Connection\ConnectionException`},
	{"node.config", nodeAt("/app/node_modules/env-var/lib/variable.js"), ""},
	{"node.config", "", "EnvVarError"},

	// Widened by popularity: the frames and types each library's source raises from.
	{"java.spring_jdbc", javaAt("org.springframework.jdbc.datasource.DataSourceUtils.getConnection"), ""},
	{"java.spring_jdbc", "", "org.springframework.jdbc.CannotGetJdbcConnectionException"},
	{"java.mybatis", javaAt("org.apache.ibatis.exceptions.ExceptionFactory.wrapException"), ""},
	{"java.mybatis", javaAt("org.mybatis.spring.MyBatisExceptionTranslator.translateExceptionIfPossible"), ""},
	{"java.jooq", javaAt("org.jooq.impl.Tools.translate"), ""},
	{"java.jooq", "", "org.jooq.exception.DataAccessException"},
	{"java.jdbi", javaAt("org.jdbi.v3.core.Jdbi.open"), ""},
	{"java.jdbi", "", "org.jdbi.v3.core.ConnectionException"},
	{"java.cassandra", javaAt("com.datastax.oss.driver.api.core.AllNodesFailedException.copy"), ""},
	{"java.cassandra", "", "com.datastax.driver.core.exceptions.NoHostAvailableException"},
	{"java.sqlite_jdbc", javaAt("org.sqlite.core.DB.newSQLException"), ""},
	{"java.h2", javaAt("org.h2.message.DbException.getJdbcSQLException"), ""},
	{"java.elasticsearch", javaAt("co.elastic.clients.transport.ElasticsearchTransportBase.performRequest"), ""},
	{"java.elasticsearch", javaAt("org.elasticsearch.client.RestClient.performRequest"), ""},
	{"java.jetty_client", javaAt("org.eclipse.jetty.client.HttpRequest.send"), ""},
	{"java.async_http_client", javaAt("org.asynchttpclient.netty.channel.NettyConnectListener.onFailure"), ""},
	{"java.vertx_web_client", javaAt("io.vertx.ext.web.client.impl.HttpContext.handleFailure"), ""},
	{"java.dotenv", javaAt("io.github.cdimascio.dotenv.internal.DotenvReader.read"), ""},
	{"java.dotenv", "", "io.github.cdimascio.dotenv.DotenvException"},
	{"java.template_engines", javaAt("org.apache.velocity.runtime.resource.ResourceManagerImpl.loadResource"), ""},
	{"java.template_engines", javaAt("com.github.mustachejava.DefaultMustacheFactory.compile"), ""},
	{"java.template_engines", javaAt("io.pebbletemplates.pebble.PebbleEngine.getTemplate"), ""},
	{"java.template_engines", "", "com.github.jknack.handlebars.HandlebarsException"},

	{"python.django_db", pyAt("/django/db/utils.py"), ""},
	{"python.django_db", "", "django.db.utils.OperationalError"},
	{"python.sqlite3", "", "sqlite3.OperationalError"},
	{"python.sqlite3", pyAt("/aiosqlite/core.py"), ""},
	{"python.sqlite3", "Traceback (most recent call last):\n  File \"/srv/app/shop/db.py\", line 8, in connect\n    conn = sqlite3.connect(DB_PATH, timeout=1)\nsqlite3.OperationalError: unable to open database file\n", ""},
	{"python.pyodbc", "Traceback (most recent call last):\n  File \"/srv/app/shop/db.py\", line 8, in connect\n    return pyodbc.connect(CONN_STR, timeout=5)\npyodbc.OperationalError: ('HYT00', '[HYT00] [Microsoft][ODBC Driver 18 for SQL Server]Login timeout expired (0) (SQLDriverConnect)')\n", ""},
	{"python.pyodbc", "", "pyodbc.OperationalError"},
	{"python.cassandra", pyAt("/cassandra/cluster.py"), ""},
	{"python.cassandra", "", "cassandra.cluster.NoHostAvailable"},
	{"python.clickhouse", pyAt("/clickhouse_driver/connection.py"), ""},
	{"python.elasticsearch", pyAt("/elastic_transport/_node/_http_urllib3.py"), ""},
	{"python.elasticsearch", "", "elastic_transport.ConnectionError"},
	{"python.mongoengine", pyAt("/mongoengine/connection.py"), ""},
	{"python.pylibmc", pyAt("/pylibmc/client.py"), ""},
	{"python.pylibmc", "", "pylibmc.ConnectionError"},
	{"python.django_redis", pyAt("/django_redis/client/default.py"), ""},
	{"python.httplib2", pyAt("/httplib2/__init__.py"), ""},
	{"python.stdlib_http", "Traceback (most recent call last):\n" + pyApp + "  File \"/usr/local/lib/python3.12/urllib/request.py\", line 1347, in do_open\n    raise URLError(err)\nurllib.error.URLError: <urlopen error [Errno 111] Connection refused>\n", ""},
	{"python.stdlib_http", "Traceback (most recent call last):\n" + pyApp + "  File \"/usr/local/lib/python3.12/http/client.py\", line 300, in _read_status\n    raise RemoteDisconnected(\"Remote end closed connection without response\")\nhttp.client.RemoteDisconnected: Remote end closed connection without response\n", ""},
	{"python.hydra", pyAt("/hydra/_internal/config_loader_impl.py"), ""},
	{"python.hydra", "", "hydra.errors.MissingConfigException"},
	{"python.pyhocon", pyAt("/pyhocon/config_tree.py"), ""},
	{"python.pyhocon", "", "pyhocon.exceptions.ConfigMissingException"},
	{"python.mako", pyAt("/mako/lookup.py"), ""},
	{"python.mako", "", "mako.exceptions.TopLevelLookupException"},

	{"go.gorm", goAt("gorm.io/gorm.(*DB).First"), ""},
	{"go.sqlx", goAt("github.com/jmoiron/sqlx.(*DB).Get"), ""},
	{"go.ent", goAt("entgo.io/ent/dialect/sql.(*Driver).Query"), ""},
	{"go.ent", "", "*ent.NotFoundError"},
	{"go.bun", goAt("github.com/uptrace/bun.(*DB).QueryContext"), ""},
	{"go.go_pg_pool", goAt("github.com/go-pg/pg/v10/internal/pool.(*ConnPool).waitTurn"), ""},
	{"go.go_pg", goAt("github.com/go-pg/pg/v10.(*baseDB).Query"), ""},
	{"go.mssql", goAt("github.com/microsoft/go-mssqldb.dialConnection"), ""},
	{"go.mssql", "", "mssql.Error"},
	{"go.sqlite", goAt("github.com/mattn/go-sqlite3.(*SQLiteConn).exec"), ""},
	{"go.sqlite", "", "sqlite3.Error"},
	{"go.clickhouse", goAt("github.com/ClickHouse/clickhouse-go/v2.dial"), ""},
	{"go.gocql", goAt("github.com/gocql/gocql.(*Session).executeQuery"), ""},
	{"go.gocql", "", "*gocql.RequestErrWriteTimeout"},
	{"go.elasticsearch", goAt("github.com/olivere/elastic/v7.(*Client).PerformRequest"), ""},
	{"go.elasticsearch", goAt("github.com/elastic/elastic-transport-go/v8/elastictransport.(*Client).Perform"), ""},
	{"go.elasticsearch", "", "*elastic.Error"},
	{"go.resty", goAt("github.com/go-resty/resty/v2.(*Client).execute"), ""},
	{"go.retryablehttp", goAt("github.com/hashicorp/go-retryablehttp.(*Client).Do"), ""},
	{"go.connect_rpc", goAt("connectrpc.com/connect.(*Client[...]).CallUnary"), ""},
	{"go.connect_rpc", "", "*connect.Error"},
	{"go.config_loaders", goAt("github.com/sethvargo/go-envconfig.processWith"), ""},
	{"go.config_loaders", goAt("github.com/ilyakaznacheev/cleanenv.ReadEnv"), ""},
	{"go.config_loaders", goAt("github.com/ardanlabs/conf/v3.Parse"), ""},
	{"go.config_loaders", goAt("github.com/joho/godotenv.Load"), ""},
	{"go.pongo2", goAt("github.com/flosch/pongo2/v6.(*Template).Execute"), ""},
	{"go.pongo2", "", "*pongo2.Error"},

	{"node.sqlite", nodeAt("/app/node_modules/better-sqlite3/lib/database.js"), ""},
	{"node.sqlite", nodeAt("/app/node_modules/sqlite3/lib/sqlite3.js"), ""},
	{"node.pg_promise", nodeAt("/app/node_modules/pg-promise/lib/connect.js"), ""},
	{"node.query_builders", nodeAt("/app/node_modules/kysely/dist/cjs/query-executor/query-executor-base.js"), ""},
	{"node.query_builders", nodeAt("/app/node_modules/objection/lib/queryBuilder/QueryBuilder.js"), ""},
	{"node.cassandra", nodeAt("/app/node_modules/cassandra-driver/lib/control-connection.js"), ""},
	{"node.elasticsearch", nodeAt("/app/node_modules/@elastic/transport/lib/Transport.js"), ""},
	{"node.keyv", nodeAt("/app/node_modules/@keyv/redis/dist/index.cjs"), ""},
	{"node.keyv", nodeAt("/app/node_modules/cache-manager/dist/index.cjs"), ""},
	{"node.http_clients", nodeAt("/app/node_modules/request/request.js"), ""},
	{"node.http_clients", nodeAt("/app/node_modules/needle/lib/needle.js"), ""},
	{"node.http_clients", nodeAt("/app/node_modules/ky/distribution/core/Ky.js"), ""},
	{"node.connect_rpc", nodeAt("/app/node_modules/@connectrpc/connect/dist/cjs/connect-error.js"), ""},
	{"node.env_loaders", nodeAt("/app/node_modules/@t3-oss/env-core/dist/index.js"), ""},
	{"node.env_loaders", nodeAt("/app/node_modules/env-schema/index.js"), ""},
	{"node.env_loaders", nodeAt("/app/node_modules/dotenv/lib/main.js"), ""},
	{"node.template", nodeAt("/app/node_modules/express-handlebars/dist/express-handlebars.js"), ""},
	{"node.template", nodeAt("/app/node_modules/liquidjs/dist/liquid.node.cjs.js"), ""},

	{"dotnet.sqlite", dotnetAt("Microsoft.Data.Sqlite.SqliteConnection.Open"), ""},
	{"dotnet.sqlite", "", "Microsoft.Data.Sqlite.SqliteException"},
	{"dotnet.odp_net", dotnetAt("Oracle.ManagedDataAccess.Client.OracleConnection.Open"), ""},
	{"dotnet.odp_net", dotnetAt("OracleInternal.ConnectionPool.PoolManager`3.Get"), ""},
	{"dotnet.odp_net", "", "Oracle.ManagedDataAccess.Client.OracleException"},
	{"dotnet.cassandra", dotnetAt("Cassandra.Cluster.Connect"), ""},
	{"dotnet.elasticsearch", "", "Elastic.Transport.TransportException"},
	{"dotnet.elasticsearch", dotnetAt("Elasticsearch.Net.Transport`1.Request"), ""},
	{"dotnet.orm", dotnetAt("Dapper.SqlMapper.QueryAsync"), ""},
	{"dotnet.orm", "", "NHibernate.Exceptions.GenericADOException"},
	{"dotnet.redis_cache", dotnetAt("Microsoft.Extensions.Caching.StackExchangeRedis.RedisCache.Connect"), ""},
	{"dotnet.redis_cache", dotnetAt("ServiceStack.Redis.RedisNativeClient.Connect"), ""},
	{"dotnet.memcached", dotnetAt("Enyim.Caching.MemcachedClient.PerformTryGet"), ""},
	{"dotnet.http_clients", dotnetAt("RestSharp.RestClient.ExecuteAsync"), ""},
	{"dotnet.http_clients", "", "Refit.ApiException"},
	{"dotnet.http_clients", "", "Flurl.Http.FlurlHttpException"},
	{"dotnet.system_configuration", "", "System.Configuration.ConfigurationErrorsException"},
	{"dotnet.system_configuration", dotnetAt("DotNetEnv.Env.Load"), ""},
	{"dotnet.template_engines", dotnetAt("Scriban.Template.Render"), ""},
	{"dotnet.template_engines", "", "RazorLight.TemplateNotFoundException"},
	{"dotnet.template_engines", dotnetAt("HandlebarsDotNet.Handlebars.Compile"), ""},

	{"java.couchbase", javaAt("com.couchbase.client.core.Core.send"), ""},
	{"java.couchbase", "", "com.couchbase.client.core.error.UnambiguousTimeoutException"},
	{"java.hazelcast", javaAt("com.hazelcast.client.impl.connection.tcp.TcpClientConnectionManager.checkInvocationAllowed"), ""},
	{"java.spring_data_mongodb", javaAt("org.springframework.data.mongodb.core.MongoExceptionTranslator.translateExceptionIfPossible"), ""},
	{"java.bonecp", javaAt("com.jolbox.bonecp.BoneCP.getConnection"), ""},
	{"java.armeria_client", "", "com.linecorp.armeria.client.UnprocessedRequestException"},
	{"java.google_http_client", javaAt("com.google.api.client.http.HttpRequest.execute"), ""},
	{"java.spring_cloud_config", javaAt("org.springframework.cloud.config.client.ConfigServerConfigDataLoader.doLoad"), ""},
	{"java.template_engines", "", "gg.jte.TemplateNotFoundException"},

	{"python.databases", pyAt("/databases/backends/postgres.py"), ""},
	{"python.valkey", pyAt("/valkey/connection.py"), ""},
	{"python.valkey", "", "valkey.exceptions.ConnectionError"},
	{"python.opensearch", pyAt("/opensearchpy/connection/http_urllib3.py"), ""},
	{"python.neo4j", pyAt("/neo4j/_sync/io/_pool.py"), ""},
	{"python.neo4j", "", "neo4j.exceptions.ServiceUnavailable"},
	{"python.aiomcache", pyAt("/aiomcache/client.py"), ""},
	{"python.dj_database_url", pyAt("/dj_database_url/__init__.py"), ""},

	{"go.goqu", goAt("github.com/doug-martin/goqu/v9.(*Database).ScanStructsContext"), ""},
	{"go.neo4j", goAt("github.com/neo4j/neo4j-go-driver/v5/neo4j.(*driverWithContext).VerifyConnectivity"), ""},
	{"go.neo4j", "", "*neo4j.ConnectivityError"},
	{"go.http_clients", goAt("github.com/valyala/fasthttp.(*HostClient).Do"), ""},
	{"go.http_clients", goAt("github.com/imroc/req/v3.(*Client).do"), ""},
	{"go.config_loaders", goAt("github.com/vrischmann/envconfig.InitWithOptions"), ""},
	{"go.config_loaders", goAt("github.com/jinzhu/configor.(*Configor).Load"), ""},
	{"go.fiber_template", goAt("github.com/gofiber/template/html/v2.(*Engine).Render"), ""},

	{"node.couchbase", nodeAt("/app/node_modules/couchbase/dist/cluster.js"), ""},
	{"node.neo4j", nodeAt("/app/node_modules/neo4j-driver-bolt-connection/lib/pool/pool.js"), ""},
	{"node.axios", nodeAt("/app/node_modules/@nestjs/axios/dist/http.service.js"), ""},
	{"node.env_loaders", nodeAt("/app/node_modules/dotenv-expand/lib/main.js"), ""},
	{"node.template", nodeAt("/app/node_modules/twig/twig.js"), ""},

	{"dotnet.orm", dotnetAt("LinqToDB.Data.DataConnection.EnsureConnection"), ""},
	{"dotnet.orm", dotnetAt("Marten.Internal.Sessions.QuerySession.ExecuteReaderAsync"), ""},
	{"dotnet.orm", dotnetAt("ServiceStack.OrmLite.OrmLiteConnectionFactory.OpenDbConnection"), ""},
	{"dotnet.mvc_views", dotnetAt("Microsoft.AspNetCore.Mvc.ViewEngines.ViewEngineResult.EnsureSuccessful"), ""},

	{"ruby.sequel", rubyAt("/gems/sequel-5.77.0/lib/sequel/database/connecting.rb"), ""},
	{"ruby.sequel", "", "Sequel::DatabaseConnectionError"},
	{"ruby.mongo", rubyAt("/gems/mongo-2.20.0/lib/mongo/server_selector/base.rb"), ""},
	{"ruby.mongo", "", "Mongo::Error::NoServerAvailable"},
	{"ruby.dalli", rubyAt("/gems/dalli-3.2.8/lib/dalli/protocol/connection_manager.rb"), ""},
	{"ruby.http_gems", rubyAt("/gems/httparty-0.21.0/lib/httparty/request.rb"), ""},
	{"ruby.http_gems", "", "RestClient::InternalServerError"},
	{"ruby.http_gems", "", "Excon::Error::Socket"},

	{"php.laravel_db", phpAt("Illuminate.Database.Connection->runQueryCallback"), ""},
	{"php.laravel_db", "", `Illuminate\Database\QueryException`},
	{"php.symfony_http_client", "", `Symfony\Component\HttpClient\Exception\TransportException`},
	{"php.twig", phpAt("Twig.Loader.FilesystemLoader->findTemplate"), ""},
	{"php.twig", "", `Twig\Error\LoaderError`},

	{"java.r2dbc_mssql", javaAt("io.r2dbc.mssql.MssqlConnectionFactory.create"), ""},
	{"java.r2dbc_mysql", javaAt("io.asyncer.r2dbc.mysql.MySqlConnectionFactory.create"), ""},
	{"java.r2dbc_mysql", "", "dev.miku.r2dbc.mysql.client.MySqlConnectionClosedException"},
	{"java.oracle_r2dbc", javaAt("oracle.r2dbc.impl.OracleConnectionFactoryImpl.create"), ""},
	{"java.r2dbc_h2", javaAt("io.r2dbc.h2.H2ConnectionFactory.create"), ""},
	{"java.neo4j", "", "org.neo4j.driver.exceptions.ServiceUnavailableException"},
	{"java.cosmos", javaAt("com.azure.cosmos.implementation.RxDocumentClientImpl.readDocument"), ""},
	{"python.snowflake", pyAt("/snowflake/connector/connection.py"), ""},
	{"python.snowflake", "", "snowflake.connector.errors.OperationalError"},
	{"go.oracle", goAt("github.com/sijms/go-ora/v2.(*Connection).Open"), ""},
	{"go.oracle", "", "*godror.OraErr"},
}

func TestOriginRows(t *testing.T) {
	for _, tc := range originTests {
		if got := Origin(tc.trace, tc.typ); got != tc.want {
			t.Errorf("%s: got %q\n%s", tc.want, got, tc.trace)
		}
	}
}

func TestSpanOrigin(t *testing.T) {
	assert := func(name, want string) {
		if got := SpanOrigin(name); got != want {
			t.Errorf("SpanOrigin(%q) = %q, want %q", name, got, want)
		}
	}
	assert("pool.acquire", "go.pgxpool")
	assert("query SELECT 1", "")
	assert("", "")
	// Every span name of the table: the first row that names it.
	for i := range libraries {
		for _, n := range libraries[i].spans {
			first := ""
			for j := range libraries[:i+1] {
				if slices.Contains(libraries[j].spans, n) {
					first = libraries[j].Name
					break
				}
			}
			assert(n, first)
		}
	}
}

func TestPropertyOrigin(t *testing.T) {
	if got := PropertyOrigin("fatal"); got != "node.mysql2" {
		t.Errorf("PropertyOrigin(fatal) = %q", got)
	}
	if got := PropertyOrigin("code"); got != "" {
		t.Errorf("PropertyOrigin(code) = %q", got)
	}
	for _, p := range ErrorProperties() {
		if PropertyOrigin(p) == "" {
			t.Errorf("property %s names no library", p)
		}
	}
}

func TestEveryLibraryHasATest(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range originTests {
		covered[tc.want] = true
	}
	langs := map[string]int{}
	for _, l := range libraries {
		langs[l.Lang]++
		if !covered[l.Name] {
			t.Errorf("library %s has no test row", l.Name)
		}
		if l.Cite == "" || len(l.frames) == 0 && len(l.code) == 0 {
			t.Errorf("library %s: no source cited, or no frames and no source line", l.Name)
		}
		if LibraryNamed(l.Name) == nil || !strings.HasPrefix(l.Name, l.Lang+".") {
			t.Errorf("library %s: not indexed or not named after its language", l.Name)
		}
	}
	for _, lang := range []string{"java", "python", "go", "node", "dotnet"} {
		if langs[lang] < 6 {
			t.Errorf("%s: %d libraries", lang, langs[lang])
		}
	}
	if len(libraries) < 60 {
		t.Errorf("%d libraries, want at least 60", len(libraries))
	}
}

// The walk follows the failure: the innermost cause's raising frame first,
// and it stops at the application's own code.
func TestOriginWalk(t *testing.T) {
	cases := []struct{ name, trace, want string }{
		{"java innermost cause decides",
			"org.springframework.jdbc.CannotGetJdbcConnectionException: Failed to obtain JDBC Connection\n" +
				"\tat org.springframework.jdbc.datasource.DataSourceUtils.getConnection(DataSourceUtils.java:84)\n" + javaApp +
				"Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.\n" +
				"\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:686)\n\t... 42 more\n" +
				"Caused by: org.postgresql.util.PSQLException: Connection to 127.0.0.1:40123 refused.\n" +
				"\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:342)\n\t... 12 more\n",
			"java.pgjdbc"},
		{"java runtime frames skipped, spring env found below",
			"java.lang.NumberFormatException: For input string: \"abc\"\n" +
				"\tat java.base/java.lang.NumberFormatException.forInputString(NumberFormatException.java:67)\n" +
				"\tat java.base/java.lang.Integer.parseInt(Integer.java:662)\n" +
				"\tat org.springframework.util.NumberUtils.parseNumber(NumberUtils.java:212)\n" +
				"\tat org.springframework.core.env.AbstractPropertyResolver.convertValueIfNecessary(AbstractPropertyResolver.java:280)\n" + javaApp,
			"java.spring_env"},
		{"java app frame first: no origin",
			"java.lang.NumberFormatException: For input string: \"abc\"\n" +
				"\tat java.base/java.lang.Integer.parseInt(Integer.java:662)\n" + javaApp +
				"\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:100)\n",
			""},
		{"python raising frame is printed last",
			"Traceback (most recent call last):\n" + pyApp +
				"  File \"/usr/local/lib/python3.12/site-packages/asyncpg/pool.py\", line 1024, in acquire\n    return await compat.wait_for(_acquire_impl(), timeout=timeout)\n" +
				"  File \"/usr/lib/python3.12/asyncio/tasks.py\", line 520, in wait_for\n    raise exceptions.TimeoutError() from exc\nTimeoutError\n",
			"python.asyncpg_pool"},
		{"python source line of the app frame",
			"Traceback (most recent call last):\n  File \"/srv/app/shop/settings.py\", line 9, in pool_size\n    return int(os.environ[\"POOL_SIZE\"])\nValueError: invalid literal for int() with base 10: 'abc'\n",
			"python.os_environ"},
		{"python int() of a mapping named env (python-pyramid config_not_an_int)",
			"Traceback (most recent call last):\n  File \"/srv/app/shop.py\", line 41, in <lambda>\n    lambda request: {\"page_size\": int(env[\"PAGE_SIZE\"])}\nValueError: invalid literal for int() with base 10: 'twenty'\n",
			"python.os_environ"},
		{"python Flask's app.config read on the app line (no frame of Flask's)",
			"Traceback (most recent call last):\n  File \"/srv/app/shop/views.py\", line 40, in items\n    size = int(current_app.config[\"PAGE_SIZE\"])\nValueError: invalid literal for int() with base 10: 'twenty'\n",
			"python.flask_config"},
		{"python int() of a mapping named config, on the app line",
			"Traceback (most recent call last):\n  File \"/srv/app/shop/views.py\", line 40, in items\n    size = int(config[\"page_size\"])\nValueError: invalid literal for int() with base 10: 'twenty'\n",
			"python.config_mapping"},
		{"python app frame without a lookup",
			"Traceback (most recent call last):\n  File \"/srv/app/shop/cart.py\", line 9, in qty\n    return int(form[\"qty\"])\nValueError: invalid literal for int() with base 10: 'abc'\n",
			""},
		{"no frames, no namespace", "boom", ""},
	}
	for _, c := range cases {
		if got := Origin(c.trace, ""); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func BenchmarkOrigin(b *testing.B) {
	tr := javaAt("com.zaxxer.hikari.pool.HikariPool.createTimeoutException")
	for b.Loop() {
		origin1(originKey{tr, ""})
	}
}
