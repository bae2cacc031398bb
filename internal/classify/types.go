package classify

import (
	"regexp"
	"strings"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/stackframe"
)

// typeRows: exception types (also used for error.type values). Order matters
// only between rows sharing a name: the first whose conditions hold wins.
// Rule names are "<language or library>.<Type>[.<variant>]".
var typeRows = []typeRow{
	// ---- application_exception ----
	// A helpful NullPointerException (JDK 14+) that names System.getenv or
	// System.getProperty: a variable or property the deployment lacks.
	typ("java.NullPointerException.getenv", confMissing, "NullPointerException").whenAny(`"java.lang.system.getenv(string)" is null`, `"java.lang.system.getproperty(string)" is null`),
	typ("java.NullPointerException", appNull, "NullPointerException"),
	// Kotlin before 1.4 throws its own KotlinNullPointerException for `!!` of a null (kotlin/jvm/internal/Intrinsics.java
	// throwNpe); later versions a plain NullPointerException.
	typ("kotlin.KotlinNullPointerException", appNull, "kotlin.KotlinNullPointerException", "KotlinNullPointerException"),

	typ("dotnet.NullReferenceException", appNull, "NullReferenceException"),
	// A connection string that is null or empty: the configuration did not provide it. .NET's ArgumentNullException
	// "Value cannot be null. (Parameter 'connectionString')" (.NET Framework: "Parameter name: connectionString") from
	// EF Core's Check.NotEmpty in UseSqlServer/UseNpgsql, and EF6's Strings.ArgumentIsNullOrWhitespace "The argument
	// 'nameOrConnectionString' cannot be null, empty or contain only white space." (DbContext's constructor).
	typ("dotnet.Argument.connection_string", confMissing, "ArgumentNullException", "ArgumentException").whenAny("(parameter 'connectionstring')", "parameter name: connectionstring", "the argument 'nameorconnectionstring'", "the argument 'connectionstring'"),
	typ("dotnet.ArgumentNullException", appNull, "ArgumentNullException"),
	typ("python.AttributeError.NoneType", appNull, "AttributeError").whenAny("'nonetype' object has no attribute"),
	// django/conf/__init__.py LazySettings.__getattr__: a setting the settings module does not define.
	typ("django.settings.missing", confMissing, "AttributeError").whenAny("'settings' object has no attribute", "'lazysettings' object has no attribute"),
	typ("python.AttributeError", appType, "AttributeError"),
	typ("python.TypeError.NoneType", appNull, "TypeError").whenAny("'nonetype' object"),
	typ("js.TypeError.undefined", appNull, "TypeError").whenAny("cannot read properties of undefined", "cannot read properties of null",
		"cannot read property", "undefined is not an object", "cannot set properties of undefined", "cannot destructure property"),
	// V8's ToObject of undefined or null (Object.keys(x), Object.entries(x), a spread of x): the value was absent.
	typ("js.TypeError.to_object", appNull, "TypeError").whenAny("cannot convert undefined or null to object"),
	typ("js.TypeError.fetch_failed", depUnreachable, "TypeError").whenAny("fetch failed").weakRow(),
	typ("lang.TypeError", appType, "TypeError"),
	// FasterXML/jackson-databind exc/InvalidDefinitionException.java: a type whose definition Jackson cannot
	// (de)serialize ("No serializer found for class", "Cannot construct instance of").
	typ("jackson.InvalidDefinitionException", appType, "com.fasterxml.jackson.databind.exc.InvalidDefinitionException"),
	// pallets/jinja src/jinja2/runtime.py Undefined._undefined_message: "%r has no attribute %r" with utils.py
	// object_type_repr's "dict object" for a dict (environment.getattr tried the item too): a key the template's
	// context lacks; another object's missing attribute is a type's, as AttributeError is.
	typ("jinja2.UndefinedError.dict", appKey, "jinja2.exceptions.UndefinedError", "UndefinedError").whenAny("'dict object' has no attribute", "dict object has no element"),
	typ("jinja2.UndefinedError.attribute", appType, "jinja2.exceptions.UndefinedError", "UndefinedError").whenAny(" has no attribute "),
	typ("ruby.NoMethodError.nil", appNull, "NoMethodError").whenAny("for nil"),
	typ("ruby.NoMethodError", appType, "NoMethodError"),
	typ("php.Error.null", appNull, "Error").whenAny("on null", "of non-object"),
	typ("go.runtime.nilpointer", appNull, "runtime.Error", "runtime.errorString", "runtime.plainError").whenAny("nil pointer dereference", "nil map"),
	typ("go.runtime.TypeAssertionError", appType, "runtime.TypeAssertionError"),
	typ("java.ClassCastException", appType, "ClassCastException"),
	typ("dotnet.InvalidCastException", appType, "InvalidCastException"),
	typ("go.runtime.boundsError", appIndex, "runtime.boundsError"),
	// Node's ERR_SOCKET_BAD_PORT (lib/internal/errors.js): a port that is NaN or out of range, as Number(process.env.PORT) gives.
	typ("js.RangeError.bad_port", confInvalid, "RangeError").whenAny("err_socket_bad_port", "port should be >= 0 and < 65536"),
	typ("js.RangeError.stack", appStack, "RangeError").whenAny("maximum call stack size exceeded"),
	typ("js.RangeError", appIndex, "RangeError"),
	typ("lang.IndexError", appIndex, "IndexError"),
	typ("java.IndexOutOfBoundsException", appIndex, "ArrayIndexOutOfBoundsException", "IndexOutOfBoundsException", "StringIndexOutOfBoundsException"),
	typ("dotnet.IndexOutOfRangeException", appIndex, "IndexOutOfRangeException", "ArgumentOutOfRangeException"),
	// jazzband/dj-database-url dj_database_url.py parse: "engine = SCHEMES[url.scheme] if engine is None else engine",
	// the KeyError of a database URL whose scheme it does not know (a value with none, a variable's name passed as the
	// URL): the setting's value is wrong.
	typ("dj_database_url.KeyError.scheme", confInvalid, "KeyError").whenAny("schemes[url.scheme]"),
	typ("lang.KeyError.environ", confMissing, "KeyError").checked(envKeyError),
	typ("lang.KeyError", appKey, "KeyError"),
	// commons-pool2 GenericObjectPool.borrowObject (DBCP2, Jedis): the pool's borrow timeout.
	typ("java.NoSuchElementException.pool", connPool, "NoSuchElementException").whenAny("timeout waiting for idle object", "pool exhausted"),
	// SmallRye Config SRCFG00014, MicroProfile Config getValue: a property that is not set.
	// ... and Apache Commons Configuration's getInt/getString of an absent key (AbstractConfiguration.throwMissingPropertyException).
	// SmallRye Config 1.x (Quarkus 1.x) ConfigMessages 2004 "Required property %s not found" and propertyNotFound's
	// "Property %s not found", the same check before the SRCFG codes.
	typ("java.NoSuchElementException.config", confMissing, "NoSuchElementException").whenAny("srcfg00014", "could not be found in any config source", "does not map to an existing object", "required property "),
	typ("java.NoSuchElementException", appKey, "NoSuchElementException"),
	typ("dotnet.KeyNotFoundException", appKey, "KeyNotFoundException"),
	typ("lang.AssertionError", appAssert, "AssertionError", "AssertionFailedError", "Test::Unit::AssertionFailedError"),
	typ("lang.ZeroDivisionError", appArith, "ZeroDivisionError", "DivisionByZeroError", "DivideByZeroException"),
	typ("java.ArithmeticException", appArith, "ArithmeticException", "ArithmeticError", "OverflowException", "OverflowError", "FloatingPointError", "FloatDomainError"),
	typ("lang.StackOverflow", appStack, "StackOverflowError", "RecursionError", "SystemStackError", "InsufficientExecutionStackException", "StackOverflowException"),
	typ("spring.IllegalArgumentException.placeholder", confMissing, "IllegalArgumentException").whenAny("could not resolve placeholder"),
	// A NumberFormatException of a "${...}" placeholder: a configured value whose property nothing resolved was parsed as
	// it stands (Long.parseLong of "${ldap.connectTimeout}", vt-middleware/ldaptive#28).
	typ("java.NumberFormatException.placeholder", confInvalid, "NumberFormatException").whenAny(`for input string: "${`),
	// pgjdbc/r2dbc-postgresql PostgresqlConnectionFactory.cannotConnect: PostgresConnectionException "Cannot connect
	// to %s" of the endpoint, around whatever failed the connect (a cause in the chain decides first).
	typ("r2dbc_postgresql.PostgresConnectionException", connRefused, "io.r2dbc.postgresql.PostgresqlConnectionFactory$PostgresConnectionException", "PostgresqlConnectionFactory$PostgresConnectionException"),
	// spring-beans TypeConverterSupport.convertIfNecessary's own TypeMismatchException (an @Value or a bean property
	// of the context's definitions; MVC's request conversions raise its subclasses, recorded by their own names):
	// "Failed to convert value of type 'java.lang.String' to required type 'int'" (4.x: "[java.lang.String] to required
	// type [int]"), a configured value that does not convert; of a boolean's placeholder left unresolved, a property never set.
	typ("spring.TypeMismatchException.placeholder", confMissing, "org.springframework.beans.TypeMismatchException").checked(unresolvedPlaceholder),
	typ("spring.TypeMismatchException", confInvalid, "org.springframework.beans.TypeMismatchException").whenAny("to required type"),
	typ("lang.InvalidArgument", appArgument, "IllegalArgumentException", "ArgumentException", "FormatException", "NumberFormatException", "ValueError", "ArgumentError", "InvalidArgumentException", "DateTimeParseException"),
	// Spring's Environment.getRequiredProperty: a property or environment variable that is not set.
	typ("spring.IllegalStateException.required_key", confMissing, "IllegalStateException").whenAny("required key '"),
	// redis/node-redis packages/client/lib/errors.ts ClientClosedError "The client is closed": a command sent on a
	// client the application never connected or already quit.
	typ("node_redis.ClientClosedError", appState, "ClientClosedError"),
	typ("lang.IllegalState", appState, "IllegalStateException", "InvalidOperationException").weakRow(),
	typ("lang.NotImplemented", appNotImpl, "NotImplementedError", "NotImplementedException", "UnsupportedOperationException", "NotSupportedException"),

	// ---- resource_exhaustion ----
	typ("java.OutOfMemoryError.thread", resThreads, "OutOfMemoryError").whenAny("unable to create new native thread", "unable to create native thread"),
	typ("lang.OutOfMemory", resOOM, "OutOfMemoryError", "MemoryError", "OutOfMemoryException", "InsufficientMemoryException", "NoMemoryError"),
	typ("java.RejectedExecutionException", resThreads, "RejectedExecutionException", "TaskRejectedException", "ThreadPoolExhaustedException"),
	typ("ruby.Errno.ENOSPC", resDisk, "Errno::ENOSPC"),
	typ("ruby.Errno.EMFILE", resFiles, "Errno::EMFILE", "Errno::ENFILE"),
	typ("ruby.Errno.ENOMEM", resOOM, "Errno::ENOMEM"),

	// ---- configuration_error ----
	typ("django.ImproperlyConfigured", confInvalid, "ImproperlyConfigured").weakRow(),
	// Micronaut DefaultPropertyPlaceholderResolver: "Error resolving property value [${x}]. Property doesn't exist".
	// micronaut-core DefaultPropertyPlaceholderResolver PlaceholderSegment.getValue: "Could not resolve placeholder ${x}",
	// a property (or environment variable) nothing sets.
	// AbstractInitializableBeanDefinition wraps the same resolution failure of an injected @Value or @Property
	// in DependencyInjectionException "Failed to inject value for parameter [x] ...": a property nothing sets
	// (its "No bean of type" failures are the application's wiring and keep their words).
	typ("micronaut.ConfigurationException.missing", confMissing, "ConfigurationException", "DependencyInjectionException").whenAny("property doesn't exist", "could not resolve placeholder"),
	// Microsoft.Extensions.Options.DataAnnotations DataAnnotationValidateOptions: "DataAnnotation validation failed for
	// members: '%s' with the error: '%s'.", the error RequiredAttribute's "The {0} field is required." (a bound
	// section that lacks the key).
	typ("dotnet.OptionsValidationException.required", confMissing, "OptionsValidationException").whenAny("field is required."),
	typ("dotnet.ConfigurationErrorsException", confInvalid, "ConfigurationErrorsException", "ConfigurationException", "OptionsValidationException", "InvalidConfigurationException"),
	typ("spring.PlaceholderResolution", confMissing, "PlaceholderResolutionException"),
	// Spring Boot's InvalidConfigurationPropertyValueException "Property %s with value '%s' is invalid: %s"
	// (org.springframework.boot.context.properties.source); Pravega's ComponentConfig getInt32Property and the like:
	// InvalidPropertyValueException "Value '%s' is invalid for property '%s'." (com.emc.pravega, later io.pravega,
	// common/util; the simple name alone is many libraries' own).
	typ("config.InvalidPropertyValue", confInvalid, "InvalidConfigurationPropertyValueException",
		"com.emc.pravega.common.util.InvalidPropertyValueException", "io.pravega.common.util.InvalidPropertyValueException"),
	typ("symfony.EnvNotFoundException", confMissing, "EnvNotFoundException"),
	// rails activerecord/lib/active_record/connection_adapters/connection_specification.rb (4.x-6.0) Resolver
	// resolve_symbol_connection: AdapterNotSpecified "'%s' database is not configured. Available: %s", and
	// "database configuration does not specify adapter": database.yml has no entry for the environment.
	typ("rails.AdapterNotSpecified", confMissing, "ActiveRecord::AdapterNotSpecified"),
	typ("python.decouple.UndefinedValueError", confMissing, "UndefinedValueError"),
	// cpython Lib/configparser.py: an option or section the configuration file lacks.
	// A library's exception named ConfigurationError is a configuration it rejects (tortoise/exceptions.py,
	// pymongo/errors.py: a URI's options or its SRV record, everett's base class); its message decides first.
	typ("lang.ConfigurationError", confInvalid, "ConfigurationError").weakRow(),
	// A YAML file that does not parse: snakeyaml's org/yaml/snakeyaml/scanner/ScannerImpl.java and
	// parser/ParserImpl.java (ScannerException, ParserException "mapping values are not allowed here", Spring Boot's
	// and Grails' application.yml), PyYAML lib/yaml/scanner.py and parser.py (ScannerError, ParserError, the file's
	// name in the mark). Applications read YAML for configuration; a request body in YAML is rare enough.
	typ("yaml.parse_error", confInvalid, "org.yaml.snakeyaml.scanner.ScannerException", "org.yaml.snakeyaml.parser.ParserException", "yaml.scanner.ScannerError", "yaml.parser.ParserError"),
	typ("python.configparser.NoOptionError", confMissing, "configparser.NoOptionError", "configparser.NoSectionError", "NoOptionError", "NoSectionError"),
	// Configuration libraries' own missing-value errors, whose messages name the key and nothing more:
	// everett src/everett/__init__.py ConfigurationMissingError ("X requires a value parseable by str");
	// environ-config src/environ/exceptions.py MissingEnvValueError(var); omegaconf omegaconf/errors.py
	// MissingMandatoryValue ("Missing mandatory value: db.url") and ConfigKeyError / ConfigAttributeError of a
	// key a structured config lacks ("Key 'x' is not in struct"); helidon config MissingValueException ("... is
	// not present in the configuration."); owner MissingMandatoryPropertyException; envalid src/errors.ts
	// EnvMissingError (the variable's name).
	typ("config.MissingValue", confMissing, "everett.ConfigurationMissingError", "environ.exceptions.MissingEnvValueError", "MissingEnvValueError",
		"omegaconf.errors.MissingMandatoryValue", "omegaconf.errors.ConfigKeyError", "omegaconf.errors.ConfigAttributeError", "MissingMandatoryValue",
		"io.helidon.config.MissingValueException", "org.aeonbits.owner.MissingMandatoryPropertyException", "MissingMandatoryPropertyException", "EnvMissingError"),
	// dynaconf: dynaconf/utils/parse_conf.py raises DynaconfParseError for a value its cast rejects
	// (_safe_int_casting "Cannot convert '%s' to integer: %s", "Cannot parse as JSON: %s") and for a lazy
	// @get of a key no loader set ("Key %s not found in settings and no default value provided."),
	// DynaconfFormatError for an interpolation that fails; dynaconf/validator.py ValidationError says
	// must_exist_true "{name} is required in env {env}", its other messages a value the validator rejects.
	typ("python.dynaconf.missing", confMissing, "DynaconfParseError", "DynaconfFormatError", "dynaconf.validator.ValidationError").
		whenAny("not found in settings", "is required in env"),
	typ("python.dynaconf.invalid", confInvalid, "DynaconfParseError", "DynaconfFormatError", "dynaconf.validator.ValidationError"),
	typ("lang.PermissionDenied", confPermission, "PermissionError", "Errno::EACCES", "UnauthorizedAccessException", "AccessDeniedException"),
	// rails activesupport lib/active_support/encrypted_file.rb: MissingKeyError "Missing encryption key to decrypt
	// file with..." (no config/master.key, no RAILS_MASTER_KEY); message_encryptor.rb _decrypt: InvalidMessage when
	// the key there does not decrypt config/credentials.yml.enc (Rails's own cookie jars rescue it).
	typ("rails.EncryptedFile.MissingKeyError", confSecret, "ActiveSupport::EncryptedFile::MissingKeyError"),
	typ("rails.MessageEncryptor.InvalidMessage", confInvalid, "ActiveSupport::MessageEncryptor::InvalidMessage").weakRow(),
	typ("aws.NoCredentials", confSecret, "NoCredentialsError", "NoCredentialProviders", "CredentialsProviderError", "SdkClientException").whenAny("credential"),
	// Java reports a file it may not read as FileNotFoundException "(Permission denied)".
	typ("java.FileNotFoundException.permission", confPermission, "FileNotFoundException").whenAny("permission denied"),
	// ... and a file it could not open for want of a descriptor as "(Too many open files)" (strerror(EMFILE)).
	typ("java.FileNotFoundException.open_files", resFiles, "FileNotFoundException").whenAny("too many open files"),
	typ("lang.TemplateNotFound", confMissing, "TemplateNotFound", "TemplateDoesNotExist", "TemplateNotFoundException"),
	typ("thymeleaf.TemplateInputException", confMissing, "TemplateInputException").whenAny("might not exist", "not accessible"),
	typ("lang.FileNotFound.secret", confSecret, "FileNotFoundError", "FileNotFoundException", "NoSuchFileException", "Errno::ENOENT").checked(secretFile),
	typ("lang.FileNotFound.config", confMissing, "FileNotFoundError", "FileNotFoundException", "NoSuchFileException", "Errno::ENOENT").checked(configFile),

	// ---- security ----
	typ("django.SuspiciousOperation", secAbuse, "SuspiciousOperation", "DisallowedHost", "RequestDataTooBig", "TooManyFieldsSent", "TooManyFilesSent"),
	typ("spring.MaxUploadSizeExceededException", secAbuse, "MaxUploadSizeExceededException", "SizeLimitExceededException", "FileSizeLimitExceededException", "RequestEntityTooLarge", "PayloadTooLargeError"),
	typ("resilience4j.RequestNotPermitted", secAbuse, "RequestNotPermitted", "RateLimitExceededException", "RateLimiterRejectedException", "TooManyRequestsHttpException"),

	// ---- network / dependency_failure (database context: database_connection) ----
	netTyp("java.ConnectException", depUnreachable, connRefused, "java.net.ConnectException", "ConnectionRefusedError", "Errno::ECONNREFUSED", "HttpHostConnectException", "ConnectException"),
	netTyp("java.SocketTimeoutException.connect", depUnreachable, connTimeout, "SocketTimeoutException", "ConnectTimeoutException").whenAny("connect timed out"),
	netTyp("java.SocketTimeoutException", depTimeout, dbStatementTimeout, "SocketTimeoutException", "HttpTimeoutException"),
	netTyp("java.UnknownHostException", depUnreachable, connDNS, "UnknownHostException", "socket.gaierror", "gaierror", "SocketError", "*net.DNSError", "net.DNSError", "EAI_AGAIN", "ENOTFOUND"),
	netTyp("java.NoRouteToHostException", depUnreachable, connRefused, "NoRouteToHostException", "EHOSTUNREACH", "ENETUNREACH"),
	// The DataStax drivers' AuthenticationException is the server's rejection of the credentials, not a TLS
	// handshake's (.NET's System.Security.Authentication one): java-driver 4 core/.../api/core/auth
	// AuthenticationException "Authentication error on node %s: server replied with '%s' to AuthResponse request",
	// java-driver 3 core/.../exceptions/AuthenticationException, csharp-driver Cassandra.AuthenticationException.
	typ("cassandra.AuthenticationException", connAuth, "com.datastax.oss.driver.api.core.auth.AuthenticationException",
		"com.datastax.driver.core.exceptions.AuthenticationException", "Cassandra.AuthenticationException"),
	netTyp("java.SSLException", depTLS, connTLS, "SSLHandshakeException", "SSLException", "ssl.SSLError", "ssl.SSLCertVerificationError", "SSLError", "OpenSSL::SSL::SSLError", "AuthenticationException", "tls.CertificateVerificationError", "x509.UnknownAuthorityError", "x509.HostnameError", "x509.CertificateInvalidError"),
	netTyp("python.ConnectionResetError", depUnreachable, connReset, "ConnectionResetError", "ConnectionAbortedError", "BrokenPipeError", "Errno::ECONNRESET", "Errno::EPIPE", "ECONNRESET", "EPIPE", "http.client.RemoteDisconnected", "RemoteDisconnected", "ServerDisconnectedError", "NoHttpResponseException"),
	// Npgsql (src/Npgsql/Internal/NpgsqlReadBuffer.cs Ensure): NpgsqlException "Exception while reading from stream"
	// around TimeoutException "Timeout during reading attempt" is any read that outlived its timeout; under
	// NpgsqlConnector.Open/RawOpen/Connect the read is the server's first reply within the connection's Timeout
	// (npgsql/npgsql#4532), a connect that timed out, not a statement's.
	typ("npgsql.open.timeout", connTimeout, "System.TimeoutException", "TimeoutException").whenAny("npgsqlconnector.rawopen", "npgsqlconnector.open(", "npgsqlconnector.<open>", "npgsqlconnector.connect("),
	// MagicStack/asyncpg asyncpg/connect_utils.py 0.30 _connect_addr: asyncio.wait_for of the connect, or
	// "raise asyncio.TimeoutError" when the connect timeout is spent: the connect's timeout, not a statement's.
	typ("asyncpg.connect.timeout", connTimeout, "TimeoutError", "asyncio.TimeoutError", "asyncio.exceptions.TimeoutError").whenAny("asyncpg/connect_utils.py"),
	// ruby/net-http lib/net/http.rb connect: Timeout.timeout(@open_timeout, Net::OpenTimeout), the TCP connect that
	// nothing answered ("execution expired" is Timeout's text): a call's peer unreachable, a database's connect timeout.
	netTyp("ruby.Net::OpenTimeout", depUnreachable, connTimeout, "Net::OpenTimeout"),
	// redis-rb lib/redis/connection/ruby.rb _read_from_socket: Redis::TimeoutError "Connection timed out" when a reply
	// did not come within read_timeout (its connect raises from connect/_connect): a command's timeout.
	typ("redis_rb.TimeoutError.read", dbStatementTimeout, "Redis::TimeoutError").whenAny("_read_from_socket"),
	// libpq's connect_timeout (fe-connect.c connectDBComplete: "timeout expired"), as the pg gem's PG::ConnectionBad
	// says it (Sequel's DatabaseConnectionError puts the class before it): the connect did not complete in time.
	typ("pg_gem.ConnectionBad.timeout", connTimeout, "PG::ConnectionBad", "Sequel::DatabaseConnectionError").whenAny("timeout expired"),
	netTyp("lang.TimeoutError", depTimeout, dbStatementTimeout, "TimeoutError", "socket.timeout", "asyncio.TimeoutError", "concurrent.futures.TimeoutError", "TimeoutException", "System.TimeoutException", "Timeout::Error", "ETIMEDOUT", "ESOCKETTIMEDOUT", "Net::ReadTimeout", "Net::WriteTimeout"),
	// database/sql (src/database/sql/sql.go DB.conn): a request whose deadline passes while it waits in connRequests
	// for a free connection gets ctx.Err() itself, before any driver is called. The PostgreSQL drivers word a statement
	// their context interrupted in their own words: pgx's "timeout: context deadline exceeded" (pgconn/errors.go
	// normalizeTimeoutError, errTimeout; "context already done" before a send), lib/pq's cancel request and the
	// server's 57014 (conn_go18.go watchCancel), bun's pgdriver its socket deadline's "i/o timeout" (driver.go
	// setReadDeadline). So a bare deadline on a PostgreSQL database span, an ORM's that covers database/sql's wait
	// (gorm's opentelemetry plugin, bunotel), is the wait for a connection; MySQL's driver returns a statement's
	// cancellation as ctx.Err() too (go-sql-driver/mysql packets.go readPacket: mc.canceled), so it stays the query's.
	typ("go.database_sql.conn_wait", connPool, "context.deadlineExceededError", "context.DeadlineExceeded", "DeadlineExceeded").notIn(ctxPlain | ctxClient).checked(bareDeadlineOnPostgres),
	netTyp("go.context.DeadlineExceeded", depTimeout, dbCanceled, "context.deadlineExceededError", "DeadlineExceeded", "context.DeadlineExceeded"),
	typ("go.context.Canceled", dbCanceled, "context.Canceled", "context.canceledError").notIn(ctxPlain | ctxClient),
	netTyp("dotnet.TaskCanceledException", depTimeout, dbCanceled, "TaskCanceledException", "OperationCanceledException").weakRow(),
	netTyp("go.net.OpError", depUnreachable, connReset, "*net.OpError", "net.OpError", "*url.Error", "url.Error").weakRow(),
	// A SocketException thrown by .NET's resolver (its frames in System.Net.Dns): the lookup failed (msg.dns.dotnet).
	netTyp("dotnet.SocketException.dns", depUnreachable, connDNS, "System.Net.Sockets.SocketException", "SocketException", "System.Net.Internals.SocketExceptionFactory+ExtendedSocketException", "ExtendedSocketException").
		whenAny("at system.net.dns."),
	netTyp("dotnet.SocketException", depUnreachable, connRefused, "System.Net.Sockets.SocketException", "SocketException", "IOException").weakRow().notIn(ctxPlain),
	netTyp("python.ConnectionError", depUnreachable, connRefused, "ConnectionError").weakRow(),
	typ("python.requests.ConnectionError", depUnreachable, "requests.exceptions.ConnectionError", "requests.ConnectionError", "urllib3.exceptions.NewConnectionError", "urllib3.exceptions.MaxRetryError", "urllib3.exceptions.ProtocolError", "httpx.ConnectError", "httpcore.ConnectError", "aiohttp.ClientConnectorError", "aiohttp.client_exceptions.ClientConnectorError", "aiohttp.ClientOSError").weakRow(),
	typ("python.requests.ConnectTimeout", depUnreachable, "requests.exceptions.ConnectTimeout", "httpx.ConnectTimeout", "urllib3.exceptions.ConnectTimeoutError", "aiohttp.ServerTimeoutError").whenAny("connect"),
	typ("python.requests.ReadTimeout", depTimeout, "requests.exceptions.ReadTimeout", "requests.exceptions.Timeout", "requests.ReadTimeout", "urllib3.exceptions.ReadTimeoutError", "httpx.ReadTimeout", "httpx.TimeoutException", "httpx.PoolTimeout", "httpcore.ReadTimeout", "aiohttp.ServerTimeoutError", "Faraday::TimeoutError", "RestClient::Exceptions::ReadTimeout", "HTTPX::TimeoutError", "HttpClientErrorException$GatewayTimeout"),
	typ("python.requests.HTTPError.5xx", dep5xx, "requests.exceptions.HTTPError", "httpx.HTTPStatusError", "aiohttp.ClientResponseError", "urllib.error.HTTPError", "HTTPError").whenAny("server error for url", "http error 5", "server error '5"),
	typ("java.HttpServerErrorException", dep5xx, "HttpServerErrorException", "HttpServerErrorException$InternalServerError", "HttpServerErrorException$BadGateway", "HttpServerErrorException$ServiceUnavailable", "FeignException$InternalServerError", "FeignException$BadGateway", "FeignException$ServiceUnavailable", "FeignServerException", "WebClientResponseException$InternalServerError", "WebClientResponseException$ServiceUnavailable", "WebClientResponseException$BadGateway", "ServerException", "GuzzleHttp\\Exception\\ServerException", "Faraday::ServerError", "RestClient::InternalServerError", "RestClient::ServiceUnavailable", "RestClient::BadGateway"),
	// Clients' exceptions of a 5xx response, read by the status in their message: square/retrofit retrofit2/HttpException.java
	// ("HTTP 500 Internal Server Error"), tornadoweb/tornado tornado/httpclient.py HTTPClientError ("HTTP 500: ..."; 599
	// is no response, left to its words), ktorio/ktor DefaultResponseValidation.kt ServerResponseException.
	typ("http.client_exception.5xx", dep5xx, "retrofit2.HttpException", "tornado.httpclient.HTTPClientError", "tornado.httpclient.HTTPError", "io.ktor.client.plugins.ServerResponseException", "ServerResponseException").
		checked(func(p *prepared) bool { return reClientStatus5xx.MatchString(messageText(p)) }),
	// JAX-RS's server-error exceptions raised by a client of the API (its frames say which): the peer's 5xx. Raised by
	// the application's own resource they are its chosen 500, left to the other rows.
	typ("jaxrs.ServerErrorException.client", dep5xx, "jakarta.ws.rs.InternalServerErrorException", "javax.ws.rs.InternalServerErrorException", "jakarta.ws.rs.ServiceUnavailableException",
		"javax.ws.rs.ServiceUnavailableException", "jakarta.ws.rs.ServerErrorException", "javax.ws.rs.ServerErrorException").
		checked(func(p *prepared) bool { return p.origin != nil && p.origin.Kind == stackframe.KindHTTP }),
	typ("java.HttpServerErrorException.GatewayTimeout", depTimeout, "HttpServerErrorException$GatewayTimeout", "FeignException$GatewayTimeout", "WebClientResponseException$GatewayTimeout", "RestClient::GatewayTimeout"),
	typ("java.ResourceAccessException", depUnreachable, "ResourceAccessException", "WebClientRequestException", "RetryableException", "feign.RetryableException", "HttpRequestException", "AxiosError", "FetchError", "Faraday::ConnectionFailed", "GuzzleHttp\\Exception\\ConnectException", "TransportException", "HTTPX::ConnectionError", "Net::OpenTimeout", "Errno::EHOSTUNREACH").weakRow(),
	// resilience4j resilience4j-bulkhead/src/main/java/io/github/resilience4j/bulkhead/BulkheadFullException.java:
	// "Bulkhead '%s' is full and does not permit further calls" (its words are the circuit breaker's): the bulkhead's
	// concurrent calls, or its thread pool's queue, are all taken.
	typ("resilience4j.BulkheadFullException", resThreads, "io.github.resilience4j.bulkhead.BulkheadFullException", "BulkheadFullException"),
	// Message brokers' clients that reached no broker: nats-io/nats.go nats.go ErrNoServers and nats-io/nats.py
	// nats/errors.py NoServersError ("nats: no servers available for connection"), rabbitmq/rabbitmq-dotnet-client
	// projects/RabbitMQ.Client/client/exceptions/BrokerUnreachableException.cs ("None of the specified endpoints were
	// reachable", the endpoints' errors inside), dpkp/kafka-python kafka/errors.py NoBrokersAvailable (bootstrap found
	// no broker), pika/pika pika/exceptions.py AMQPConnectionError and its ConnectionClosed, raised by
	// BlockingConnection's setup (adapters/blocking_connection.py _process_io_for_connection_setup). The
	// wrapped cause, innermost first, says more when it is there (a refusal, an authentication).
	typ("broker.unreachable", depUnreachable, "RabbitMQ.Client.Exceptions.BrokerUnreachableException", "BrokerUnreachableException", "kafka.errors.NoBrokersAvailable", "NoBrokersAvailable",
		"pika.exceptions.AMQPConnectionError", "pika.exceptions.ConnectionClosed", "pika.exceptions.IncompatibleProtocolError", "nats.errors.NoServersError"),
	// netty/netty handler/src/main/java/io/netty/handler/timeout/ReadTimeoutHandler.java readTimedOut: the stackless
	// ReadTimeoutException.INSTANCE (no message) when nothing was read on the channel in time; a gateway's or client's
	// read of its peer (Spring Cloud Gateway, reactor-netty, Shenyu), a database's in database context.
	netTyp("netty.ReadTimeoutException", depTimeout, dbStatementTimeout, "io.netty.handler.timeout.ReadTimeoutException"),
	typ("resilience4j.CallNotPermittedException", depUnreachable, "CallNotPermittedException", "BrokenCircuitException", "CircuitBreakerOpenException", "HystrixRuntimeException", "CircuitBreakerError", "pybreaker.CircuitBreakerError"),
	typ("grpc.StatusRuntimeException", depRPC, "StatusRuntimeException", "StatusException", "RpcException", "Grpc.Core.RpcException", "grpc.RpcError", "grpc._channel._InactiveRpcError", "_InactiveRpcError", "GRPC::BadStatus").weakRow(),

	// ---- database_connection ----
	typ("jdbc.SQLTransientConnectionException.pool", connPool, "SQLTransientConnectionException").whenAny("connection is not available", "request timed out"),
	// spring-projects/spring-framework spring-orm/src/main/java/org/springframework/orm/jpa/JpaTransactionManager.java
	// doBegin: CannotCreateTransactionException "Could not open JPA EntityManager for transaction", Spring 5 appending
	// "; nested exception is" its cause: Hibernate's GenericJDBCException "Unable to acquire JDBC Connection" (the
	// pool's checkout, hibernate.GenericJDBCException.acquire) when no cause in the chain says more.
	typ("spring.CannotCreateTransaction.acquire", connPool, "CannotCreateTransactionException").whenAny("genericjdbcexception: unable to acquire jdbc connection").weakRow(),
	typ("jdbc.SQLNonTransientConnectionException", connRefused, "SQLNonTransientConnectionException", "CommunicationsException", "CannotGetJdbcConnectionException", "JDBCConnectionException", "DataAccessResourceFailureException", "CannotCreateTransactionException").weakRow(),
	// Hibernate's LogicalConnectionManagedImpl.acquireConnectionIfNeeded converts the provider's SQLException with
	// "Unable to acquire JDBC Connection"; SQLStateConversionDelegate makes a JDBCConnectionException of SQLState
	// class 08, so a GenericJDBCException got no connection state: a pool's checkout that timed out (Hikari's,
	// Agroal's, c3p0's carry none). A cause in the chain that says more (a refusal, a password) decides first.
	typ("hibernate.GenericJDBCException.acquire", connPool, "org.hibernate.exception.GenericJDBCException").whenAny("unable to acquire jdbc connection").weakRow(),
	typ("jdbc.SQLRecoverableException", connReset, "SQLRecoverableException", "RecoverableDataAccessException").weakRow(),
	typ("python.sqlalchemy.TimeoutError", connPool, "sqlalchemy.exc.TimeoutError", "exc.TimeoutError").whenAny("queuepool", "pool"),
	typ("db.PoolTimeout", connPool, "ActiveRecord::ConnectionTimeoutError", "ConnectionPool::TimeoutError", "SequelizeConnectionAcquireTimeoutError", "KnexTimeoutError", "MongoWaitQueueTimeoutError", "WaitQueueTimeoutError", "MongoWaitQueueFullError", "JedisExhaustedPoolException", "PoolTimeoutException", "PoolExhaustedException"),
	// redis-py's own pool: ConnectionPool(max_connections=N) raises
	// MaxConnectionsError("Too many connections"), BlockingConnectionPool
	// ConnectionError("No connection available.") — the client's pool, not
	// the server's maxclients.
	// psycopg_pool/errors.py: PoolTimeout, TooManyRequests.
	typ("python.psycopg_pool.PoolTimeout", connPool, "psycopg_pool.PoolTimeout", "psycopg_pool.TooManyRequests"),
	// reactor-pool PoolAcquireTimeoutException, r2dbc-pool's borrow timeout.
	typ("r2dbc.PoolAcquireTimeoutException", connPool, "reactor.pool.PoolAcquireTimeoutException").notIn(ctxClient),
	typ("python.redis.MaxConnectionsError", connPool, "redis.exceptions.MaxConnectionsError", "MaxConnectionsError"),
	typ("python.redis.ConnectionError.pool", connPool, "redis.exceptions.ConnectionError").whenAny("too many connections", "no connection available"),
	// redis-py strips the reply's first word: LOADING → BusyLoadingError.
	typ("python.redis.BusyLoadingError", connUnavailable, "redis.exceptions.BusyLoadingError", "BusyLoadingError"),
	// StackExchange.Redis ExceptionFactory.UnableToConnect: "It was not possible to connect to the redis server(s)."
	// and the failure after it, "ConnectTimeout" when the connect timed out (a refusal says SocketFailure).
	typ("redis.StackExchange.ConnectTimeout", connTimeout, "RedisConnectionException").whenAny("connecttimeout"),
	typ("db.ConnectionNotEstablished", connRefused, "ActiveRecord::ConnectionNotEstablished", "PG::ConnectionBad", "Mysql2::Error::ConnectionError", "SequelizeConnectionRefusedError", "SequelizeConnectionError", "MongoNetworkError", "RedisConnectionException", "JedisConnectionException", "redis.exceptions.ConnectionError", "Redis::CannotConnectError", "Sequel::DatabaseConnectionError", "Doctrine\\DBAL\\Exception\\ConnectionException", "Illuminate\\Database\\LostConnectionException").weakRow(),
	// ioredis lib/errors/MaxRetriesPerRequestError.ts: every retry of a command failed to reach the server.
	typ("ioredis.MaxRetriesPerRequestError", connRefused, "MaxRetriesPerRequestError"),
	// Windows words a refusal "The remote computer refused the network connection" (ERROR_CONNECTION_REFUSED, the
	// JDK's IOException on Windows) and "No connection could be made because the target machine actively refused it"
	// (WSAECONNREFUSED, .NET's SocketException).
	typ("db.ConnectTimeout.refused", connRefused, connectTimeoutTypes...).whenAny("connection refused", "econnrefused", "refused the network connection", "actively refused it"),
	// The Node driver's and Mongoose's server selection errors carry the last heartbeat's failure as their message
	// (mongoose lib/error/serverSelection.js assimilateError), pymongo's ServerSelectionTimeoutError the per-host
	// errors: a resolver's failure of the host is a DNS failure, not a timeout.
	typ("db.ConnectTimeout.dns", connDNS, connectTimeoutTypes...).whenAny("getaddrinfo", "enotfound", "eai_again", "name resolution", "nodename nor servname", "name or service not known", "no such host"),
	typ("db.ConnectTimeout", connTimeout, connectTimeoutTypes...),
	// The DataStax Cassandra drivers: no node could be connected to (java-driver 4 core/src/main/java/com/datastax/oss/
	// driver/api/core/AllNodesFailedException.java, ControlConnection's "Could not reach any contact point, make sure
	// you've provided valid addresses", each node's error after it; java-driver 3 and the C# driver's
	// NoHostAvailableException "All host(s) tried for query failed"). The nodes' errors say why.
	typ("cassandra.AllNodesFailed.auth", connAuth, cassandraNoNodeTypes...).whenAny("authenticationexception", "authentication error on node", "username and/or password are incorrect", "password are incorrect"),
	typ("cassandra.AllNodesFailed.dns", connDNS, cassandraNoNodeTypes...).whenAny("unknownhostexception", "/<unresolved>:"),
	typ("cassandra.AllNodesFailed", connRefused, cassandraNoNodeTypes...),
	typ("sequelize.HostNotFound", connDNS, "SequelizeHostNotFoundError", "SequelizeHostNotReachableError"),
	// stripe/stripe-python stripe/_api_requestor.py: AuthenticationError "No API key provided. (HINT: set your API key
	// using \"stripe.api_key = <API-KEY>\") ..." before any request is made: a key the deployment lacks, not a refusal.
	typ("stripe.AuthenticationError.no_key", confSecret, "stripe.error.AuthenticationError", "stripe._error.AuthenticationError", "AuthenticationError").whenAny("no api key provided"),
	typ("sequelize.AccessDenied", connAuth, "SequelizeAccessDeniedError", "MongoAuthenticationException", "RedisAuthenticationException", "redis.exceptions.AuthenticationError", "AuthenticationError").whenAny("auth", "password", "access denied"),
	// ActiveRecord's PostgreSQL adapter (postgresql_adapter.rb new_client / Rails < 7 postgresql_connection) raises
	// NoDatabaseError for any PG::Error whose message includes the database's name, a host name's resolution
	// failure too when the host is named like the database (joaoscotto/docker-ruby-puma-nginx-postgres#3): the
	// libpq text it keeps decides.
	typ("db.NoDatabase.dns", connDNS, "ActiveRecord::NoDatabaseError").whenAny("could not translate host name", "name or service not known", "temporary failure in name resolution", "nodename nor servname provided"),
	typ("db.NoDatabase", connUnknownDB, "ActiveRecord::NoDatabaseError"),
	typ("redis.ReadOnlyError", connReadOnly, "redis.exceptions.ReadOnlyError", "ActiveRecord::ReadOnlyError"),
	// SQLSTATE 25006 by name: the pg gem's PG::ReadOnlySqlTransaction, psycopg2.errors.ReadOnlySqlTransaction,
	// asyncpg's ReadOnlySQLTransactionError.
	typ("pg.ReadOnlySqlTransaction", connReadOnly, "ReadOnlySqlTransaction", "ReadOnlySQLTransactionError"),

	// ---- database_timeout ----
	typ("db.StatementTimeout", dbStatementTimeout, "SQLTimeoutException", "MySQLTimeoutException", "QueryTimeoutException", "ActiveRecord::StatementTimeout", "SequelizeTimeoutError", "RedisCommandTimeoutException", "RedisTimeoutException", "MongoExecutionTimeoutException", "pymongo.errors.ExecutionTimeout", "MongoOperationTimeoutException", "redis.exceptions.TimeoutError", "Redis::TimeoutError"),
	typ("db.LockWaitTimeout", dbLockTimeout, "ActiveRecord::LockWaitTimeout", "CannotAcquireLockException", "PessimisticLockException", "LockTimeoutException", "Doctrine\\DBAL\\Exception\\LockWaitTimeoutException", "LockNotAvailable"),
	typ("db.QueryCanceled.statement_timeout", dbStatementTimeout, "ActiveRecord::QueryCanceled", "QueryCanceled", "QueryCanceledError").whenAny("statement timeout"),
	typ("db.QueryCanceled", dbCanceled, "ActiveRecord::QueryCanceled", "QueryCanceled", "QueryCanceledError"),

	// ---- database_query ----
	// clickhouse-driver's ServerException (clickhouse_driver/errors.py) is the server's answer to a query: its
	// code and message decide, and without them it is the database's error, not Guzzle's ServerException (HTTP 5xx).
	typ("clickhouse.ServerException", qError, "clickhouse_driver.errors.ServerException").weakRow(),
	typ("jdbc.SQLSyntaxErrorException", qSyntax, "SQLSyntaxErrorException", "BadSqlGrammarException", "SQLGrammarException", "InvalidDataAccessResourceUsageException", "Doctrine\\DBAL\\Exception\\SyntaxErrorException").weakRow(),
	typ("jdbc.SQLIntegrityConstraintViolationException", qConstraint, "SQLIntegrityConstraintViolationException", "DataIntegrityViolationException", "DuplicateKeyException", "ConstraintViolationException", "ActiveRecord::RecordNotUnique", "ActiveRecord::InvalidForeignKey", "ActiveRecord::NotNullViolation", "IntegrityError", "SequelizeUniqueConstraintError", "SequelizeForeignKeyConstraintError", "SequelizeValidationError", "DuplicateKeyError", "pymongo.errors.DuplicateKeyError", "MongoWriteException", "DbUpdateException", "UniqueConstraintViolationException", "ForeignKeyConstraintViolationException", "NotNullConstraintViolationException", "Sequel::UniqueConstraintViolation", "Sequel::ForeignKeyConstraintViolation", "Sequel::NotNullConstraintViolation").weakRow(),
	typ("db.Deadlock", qDeadlock, "DeadlockLoserDataAccessException", "ActiveRecord::Deadlocked", "Doctrine\\DBAL\\Exception\\DeadlockException", "DeadlockDetected", "Sequel::DeadlockError"),
	typ("orm.OptimisticLock", qSerialize, "OptimisticLockException", "ObjectOptimisticLockingFailureException", "OptimisticLockingFailureException", "StaleObjectStateException", "StaleStateException", "DbUpdateConcurrencyException", "ActiveRecord::StaleObjectError", "ActiveRecord::SerializationFailure", "SerializationFailure", "CannotSerializeTransactionException", "StaleDataError", "Sequel::SerializationFailure"),
	typ("orm.UndefinedTable", qTable, "UndefinedTable", "UndefinedTableError", "TableNotFoundException", "Doctrine\\DBAL\\Exception\\TableNotFoundException", "NoSuchTableError", "sqlalchemy.exc.NoSuchTableError"),
	typ("orm.UndefinedColumn", qColumn, "UndefinedColumn", "UndefinedColumnError", "InvalidFieldNameException", "Doctrine\\DBAL\\Exception\\InvalidFieldNameException", "NoSuchColumnError"),
	typ("orm.UndefinedFunction", qFunction, "UndefinedFunction", "UndefinedFunctionError"),
	typ("orm.UniqueViolation", qConstraint, "UniqueViolation", "UniqueViolationError", "ForeignKeyViolation", "ForeignKeyViolationError", "NotNullViolation", "NotNullViolationError", "CheckViolation", "CheckViolationError", "RecordNotUnique"),
	typ("orm.SyntaxError", qSyntax, "errors.SyntaxError", "PostgresSyntaxError", "pg::SyntaxError"),
	typ("orm.DataError", qData, "DataError", "InvalidTextRepresentation", "NumericValueOutOfRange", "StringDataRightTruncation", "ActiveRecord::ValueTooLong", "ActiveRecord::RangeError", "DataException", "DataTruncation", "errors.DivisionByZero", "PG::DivisionByZero"),
	typ("orm.InsufficientPrivilege", confPermission, "InsufficientPrivilege", "InsufficientPrivilegeError"),
	// WebwareForPython/DBUtils dbutils/pooled_db.py and pooled_pg.py _wait_lock: a non-blocking pool at its
	// maxconnections raises TooManyConnections (TooManyConnectionsError since 3.0): the pool's own limit, not the server's.
	typ("python.dbutils.TooManyConnections", connPool, "dbutils.pooled_db.TooManyConnectionsError", "dbutils.pooled_db.TooManyConnections",
		"dbutils.pooled_pg.TooManyConnectionsError", "dbutils.pooled_pg.TooManyConnections", "TooManyConnectionsError", "TooManyConnections").
		whenAny("dbutils/pooled_db.py", "dbutils/pooled_pg.py", "dbutils.pooled_db.", "dbutils.pooled_pg."),
	typ("orm.TooManyConnections", connTooMany, "TooManyConnections", "TooManyConnectionsError"),
	typ("orm.InvalidPassword", connAuth, "InvalidPassword", "InvalidPasswordError", "InvalidAuthorizationSpecification", "InvalidAuthorizationSpecificationError"),
	typ("orm.InvalidCatalogName", connUnknownDB, "InvalidCatalogName", "InvalidCatalogNameError"),
	// MongoEngine/mongoengine mongoengine/connection.py get_connection: no connect() registered the alias, "You have not
	// defined a default connection" / 'Connection with alias "%s" has not been defined': a setting missing, not a reset.
	typ("mongoengine.ConnectionFailure.undefined", confMissing, "mongoengine.connection.ConnectionFailure", "mongoengine.connection.ConnectionError", "mongoengine.connection.MongoEngineConnectionError").
		whenAny("you have not defined a default connection", "connection with alias"),
	// hazelcast/hazelcast HazelcastClientOfflineException ("Thrown when Hazelcast client is offline during an
	// invocation"): no member of the cluster connected; petergoldstein/dalli lib/dalli/ring.rb server_for_key:
	// RingError "No server available" when every memcached server is down.
	typ("cache.no_server", connRefused, "com.hazelcast.client.HazelcastClientOfflineException", "Dalli::RingError"),
	// A driver's connection-failure type whose message says the server refused: mongodb/mongo-python-driver
	// pymongo/errors.py ConnectionFailure ("could not connect to host:port: [Errno 111] Connection refused", pymongo
	// 2's connection.py), mysql/mysql-connector-python lib/mysql/connector/errors.py InterfaceError of CR 2003 (its
	// "2003: Can't connect to MySQL server on '%s' (%s)" read by the code first).
	typ("db.ConnectionFailure.refused", connRefused, "ConnectionFailure", "InterfaceError", "AutoReconnect").whenAny("connection refused", "actively refused it", "econnrefused"),
	// pymongo 1.x-2.x pymongo/connection.py __find_master: AutoReconnect "could not find master/primary", no member of
	// the deployment answered as primary; any other AutoReconnect is left to its words.
	typ("pymongo.AutoReconnect.no_primary", connUnavailable, "pymongo.errors.AutoReconnect", "AutoReconnect").whenAny("could not find master/primary"),
	typ("orm.AdminShutdown", connReset, "AdminShutdown", "AdminShutdownError", "ConnectionDoesNotExistError", "ConnectionFailure", "InterfaceError"),
	typ("orm.DiskFull", resDisk, "DiskFull", "DiskFullError"),
	typ("orm.OutOfMemory", resOOM, "errors.OutOfMemory"),
	// sqlalchemy/sqlalchemy lib/sqlalchemy/engine/url.py 2.0 make_url: create_engine(os.getenv("DATABASE_URL")) of an
	// unset variable raises ArgumentError "Expected string or URL object, got None": no mapping's error.
	typ("python.sqlalchemy.ArgumentError.url_none", confMissing, "sqlalchemy.exc.ArgumentError", "ArgumentError").whenAny("expected string or url object, got none"),
	// ardanlabs/conf conf.go (v3) FieldError.Error: "conf: error assigning to field %s: converting '%s' to type %s.
	// details: %s"; its "config:" spelling in forks. A configuration value that does not convert, not an ORM mapping.
	typ("go.ardanlabs.conf.FieldError", confInvalid, "*conf.FieldError", "conf.FieldError", "FieldError").
		whenAny("conf: error assigning to field ", "config: error assigning to field "),
	// sqlalchemy lib/sqlalchemy/orm/session.py SessionTransaction._raise_for_prerequisite_state (PendingRollbackError,
	// an InvalidRequestError before 1.4): "This Session's transaction has been rolled back due to a previous exception
	// during flush. ... Original exception was: %s": the original exception's words decide, not the session's.
	typ("sqlalchemy.PendingRollbackError.original", qError, "sqlalchemy.exc.PendingRollbackError", "sqlalchemy.exc.InvalidRequestError", "PendingRollbackError").
		whenAny("original exception was: ").weakRow(),
	typ("orm.Mapping", qORM, "MappingException", "PropertyAccessException", "PropertyNotFoundException", "UnknownEntityException", "HibernateMappingException", "InvalidDataAccessApiUsageException",
		"NoReferencedTableError", "NoReferencedColumnError", "NoForeignKeysError", "AmbiguousForeignKeysError", "UnmappedInstanceError", "UnmappedColumnError", "DetachedInstanceError", "ObjectDeletedError", "UnmappedClassError", "sqlalchemy.exc.InvalidRequestError", "sqlalchemy.exc.ArgumentError", "sqlalchemy.exc.NoInspectionAvailable",
		"FieldError", "django.core.exceptions.FieldError", "FieldDoesNotExist", "ActiveRecord::UnknownAttributeError", "ActiveModel::UnknownAttributeError", "ActiveRecord::AssociationNotFoundError", "ActiveRecord::HasManyThroughAssociationNotFoundError", "ActiveRecord::UnknownPrimaryKey",
		"EntityMetadataNotFoundError", "EntityPropertyNotFoundError", "ColumnTypeUndefinedError", "SequelizeEagerLoadingError", "SequelizeAssociationError", "PrismaClientValidationError",
		"Doctrine\\ORM\\Mapping\\MappingException", "Illuminate\\Database\\Eloquent\\MassAssignmentException", "Illuminate\\Database\\Eloquent\\RelationNotFoundException"),
	// Hibernate's session-side exceptions (hibernate-orm org/hibernate/LazyInitializationException.java: a lazy proxy
	// or collection read after its session closed; PropertyValueException: Nullability's not-null check before the
	// insert; TransientObjectException / TransientPropertyValueException: a reference to an unsaved entity): mappings.
	typ("hibernate.Session", qORM, "org.hibernate.LazyInitializationException", "org.hibernate.PropertyValueException", "org.hibernate.TransientObjectException", "org.hibernate.TransientPropertyValueException"),
	// Automattic/mongoose lib/error/cast.js CastError ("Cast to ObjectId failed for value ..."): a value its schema
	// type cannot cast, the query's data.
	typ("mongoose.CastError", qData, "CastError").whenAny("cast to "),
	typ("go.sql.ErrNoRows", qNoRows, "sql.ErrNoRows", "pgx.ErrNoRows").weakRow(),
	// Result.scalar_one()/one() and Django's Model.objects.get() on no row.
	typ("python.sqlalchemy.NoResultFound", qNoRows, "sqlalchemy.exc.NoResultFound", "sqlalchemy.orm.exc.NoResultFound", "NoResultFound", "ObjectDoesNotExist", "DoesNotExist"),
}

// connectTimeoutTypes are the exceptions of a connect that did not complete in time (Sequelize's connect timeout,
// the MongoDB drivers' and Mongoose's server selection and network timeouts): their message says why.
// The PHP driver's ConnectionTimeoutException (src/MongoDB/Exception/ConnectionTimeoutException.c: server
// selection failed, "No suitable servers found: `serverSelectionTimeoutMS` expired: [...]") and the Ruby
// driver's NoServerAvailable (lib/mongo/error/no_server_available.rb, "No primary_preferred server is available
// in cluster: ...") are the same failure: no server of the deployment answered.
var connectTimeoutTypes = []string{"SequelizeConnectionTimedOutError", "MongoServerSelectionError", "MongooseServerSelectionError", "ServerSelectionTimeoutError", "pymongo.errors.ServerSelectionTimeoutError", "MongoTimeoutException", "MongoNetworkTimeoutError", "MongoSocketOpenException", "NetworkTimeout", "pymongo.errors.NetworkTimeout",
	"MongoDB\\Driver\\Exception\\ConnectionTimeoutException", "Mongo::Error::NoServerAvailable"}

// cassandraNoNodeTypes are the DataStax drivers' exceptions of a session that reached no node.
var cassandraNoNodeTypes = []string{"com.datastax.oss.driver.api.core.AllNodesFailedException", "com.datastax.oss.driver.api.core.NoNodeAvailableException", "com.datastax.driver.core.exceptions.NoHostAvailableException", "Cassandra.NoHostAvailableException"}

// reClientStatus5xx: the 5xx status a client's exception message carries ("HTTP 502 Bad Gateway", "HTTP 500: ...",
// "Server error(GET url: 503 Service Unavailable."), not 599.
var reClientStatus5xx = regexp.MustCompile(`(?:^http |: )5(?:[0-8]\d|9[0-8])\b`)

// bareDeadlineOnPostgres: context.DeadlineExceeded's own words, nothing wrapped around them, on a PostgreSQL span
// that is no pool's own (otelpgx's pool.acquire is decided by its origin).
func bareDeadlineOnPostgres(p *prepared) bool {
	if p.origin != nil && p.origin.Kind == stackframe.KindPool {
		return false
	}
	const deadline = "context deadline exceeded"
	msg := strings.TrimSpace(p.levels[len(p.levels)-1].msgLower)
	status := strings.TrimSpace(p.statusLower)
	return p.system == "postgresql" && (msg == deadline || msg == "") && (status == deadline || status == "") && msg+status != ""
}

var reEnvKey = regexp.MustCompile(`^(?:key not found: )?["':]*([A-Z][A-Z0-9_]{2,})["']?$`)

// envKeyError: a KeyError raised by an environment lookup (Python
// os.environ["X"], Ruby ENV.fetch("X")), shown by the stack or by an
// upper-case key.
func envKeyError(p *prepared) bool {
	if strings.Contains(p.stackLower, "os.environ") || strings.Contains(p.stackLower, "getenv") ||
		strings.Contains(p.stackLower, "env.fetch") || strings.Contains(p.stackLower, "environ[") {
		return true
	}
	return reEnvKey.MatchString(strings.TrimSpace(p.ev.ExceptionMessage))
}

var (
	reConfigFile = regexp.MustCompile(`\.(ya?ml|json|toml|ini|conf|cfg|env|properties|config|xml|hcl)\b|/etc/|config|` + templateFile)
	reSecretFile = regexp.MustCompile(`\.(pem|key|crt|cer|p12|pfx|jks|keystore)\b|/run/secrets/|/var/run/secrets/|credentials|secret|token`)
)

// templateFile matches the path of a template the application renders: a
// missing one is configuration drift like a missing config file.
const templateFile = `\.(html?|tmpl|tpl|gohtml|j2|jinja2?|mustache|hbs|handlebars|ejs|pug|erb|twig|liquid|ftl|vm|cshtml)\b|\btemplates?/|\bviews/`

func secretFile(p *prepared) bool { return reSecretFile.MatchString(p.all) }

// unresolvedPlaceholder: a converter was handed a Spring placeholder as it
// stands (msg.config_missing.placeholder's words), a property nothing set.
func unresolvedPlaceholder(p *prepared) bool { return reUnresolvedPlaceholder.MatchString(p.all) }

func configFile(p *prepared) bool { return reConfigFile.MatchString(messageText(p)) }

// messageText is the lower-cased messages of the evidence (not the stack).
func messageText(p *prepared) string {
	n := len(p.levels)
	if n == 0 {
		return p.statusLower
	}
	return p.levels[n-1].msgLower + "\n" + p.statusLower
}

// typeIndex: lower-case name → rows.
var typeIndex = map[string][]*typeRow{}

func initTypes() {
	for i := range typeRows {
		r := &typeRows[i]
		for _, n := range r.names {
			k := strings.ToLower(strings.TrimLeft(n, "*"))
			typeIndex[k] = append(typeIndex[k], r)
		}
	}
}

// lookupType finds the first row for a lower-case exception type: the full
// name first, then each shorter qualified suffix, then the simple name.
func lookupType(p *prepared, t string, ctx ctxMask) (*typeRow, outcome) {
	t = strings.TrimLeft(t, "*")
	for t != "" {
		if r, out := lookupExact(p, t, ctx); r != nil {
			return r, out
		}
		// A nested class by its canonical name, as the Java agent records it
		// ("HttpServerErrorException.InternalServerError"): the binary name
		// uses '$'.
		if strings.Count(t, ".") == 1 {
			if r, out := lookupExact(p, strings.Replace(t, ".", "$", 1), ctx); r != nil {
				return r, out
			}
		}
		i := strings.IndexAny(t, ".:\\/+")
		if i < 0 {
			break
		}
		t = strings.TrimLeft(t[i:], ".:\\/+")
	}
	return nil, none
}

func containsAny(s string, needles []string) bool {
	for _, n := range needles {
		if strings.Contains(s, n) {
			return true
		}
	}
	return false
}

// lookupExact finds the first row for exactly the lower-case name t whose
// conditions hold.
func lookupExact(p *prepared, t string, ctx ctxMask) (*typeRow, outcome) {
	for _, r := range typeIndex[t] {
		out := r.pick(ctx)
		if !out.set() {
			continue
		}
		if len(r.when) > 0 && !containsAny(p.all, r.when) {
			continue
		}
		if r.check != nil && !r.check(p) {
			continue
		}
		return r, out
	}
	return nil, none
}
