package classify

import (
	"testing"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/stackframe"
)

// fromStack is an exception event as the evidence reader makes it: its
// origin read from the whole stack trace and the type.
func fromStack(typ, msg, stack string) diagnosis.Evidence {
	e := exs(typ, msg, stack)
	e.Origin = stackframe.Origin(stack, typ)
	e.Frame = stackframe.Top(stack)
	return e
}

// dropwizardViolation is Dropwizard's ConfigurationValidationException of
// one Bean Validation violation (ConfigurationException's message format).
func dropwizardViolation(violation string) diagnosis.Evidence {
	const typ = "io.dropwizard.configuration.ConfigurationValidationException"
	msg := "shop.yml has an error:\n  * " + violation + "\n"
	return fromStack(typ, msg, typ+": "+msg+
		"\n\tat io.dropwizard.configuration.BaseConfigurationFactory.validate(BaseConfigurationFactory.java:272)\n\tat blind.shop.Shop.settings(Shop.java:88)")
}

// Generic words decided by the library the failure came from.
var originCases = register([]tc{
	// sloria/environs#416: environs < 11 passes marshmallow 4 a keyword it removed; the call is the bug, whatever its words.
	{"lang.TypeError", "application_exception/type_error", fromStack("TypeError", "Field.__init__() got an unexpected keyword argument 'missing'",
		"Traceback (most recent call last):\n  File \"/srv/app/config.py\", line 9, in <module>\n    DEBUG = env.bool(\"DEBUG\", False)\n"+
			"  File \"/srv/venv/lib/python3.11/site-packages/environs/__init__.py\", line 72, in method\n    field = field_or_factory(missing=missing, **kwargs)\n"+
			"  File \"/srv/venv/lib/python3.11/site-packages/marshmallow/fields.py\", line 1166, in __init__\n    super().__init__(**kwargs)\n"+
			"TypeError: Field.__init__() got an unexpected keyword argument 'missing'\n")},
	// A pool's borrow timeout is the pool running out of connections, not a statement timeout.
	{"origin.pool.timeout", "database_connection/pool_exhausted", fromStack("TimeoutError", "",
		"Traceback (most recent call last):\n  File \"/srv/app/shop/api.py\", line 40, in cart\n    async with pool.acquire(timeout=2) as conn:\n"+
			"  File \"/usr/local/lib/python3.12/site-packages/asyncpg/pool.py\", line 1024, in _acquire\n    return await compat.wait_for(_acquire_impl(), timeout=timeout)\n"+
			"  File \"/usr/lib/python3.12/asyncio/tasks.py\", line 520, in wait_for\n    raise exceptions.TimeoutError() from exc\nTimeoutError\n")},
	{"origin.pool.timeout", "database_connection/pool_exhausted", fromStack("TimeoutError", "operation timed out",
		"TimeoutError: operation timed out\n    at Timeout._onTimeout (/app/node_modules/tarn/dist/PendingOperation.js:17:27)\n    at listOnTimeout (node:internal/timers:581:17)")},
	{"origin.pool.timeout", "database_connection/pool_exhausted", fromStack("com.mchange.v2.resourcepool.TimeoutException", "", "")},
	{"origin.pool.timeout", "database_connection/pool_exhausted", fromStack("com.alibaba.druid.pool.GetConnectionTimeoutException", "wait millis 501, active 1, maxActive 1, creating 0", "")},
	{"origin.pool.timeout", "database_connection/pool_exhausted", fromStack("java.sql.SQLTimeoutException", "Couldn't obtain connection within 5000ms",
		"java.sql.SQLTimeoutException: Couldn't obtain connection within 5000ms\n\tat org.vibur.dbcp.pool.PoolOperations.getProxyConnection(PoolOperations.java:120)\n\tat com.acme.shop.CartService.total(CartService.java:42)")},
	// otelpgx's pool.acquire span: pgxpool waited for a connection until the request's deadline.
	{"origin.pool.timeout", "database_connection/pool_exhausted", diagnosis.Evidence{Kind: diagnosis.KindDB, Depth: 1, DBSystem: "postgresql", SpanName: "pool.acquire",
		ExceptionType: "*context.deadlineExceededError", ExceptionMessage: "context deadline exceeded", StatusError: true, Origin: stackframe.SpanOrigin("pool.acquire")}},
	// postgres.js's cancel() of a query still queued for a connection: its own 57014, not the server's.
	{"origin.postgres_js.queued_cancel", "database_connection/pool_exhausted", fromStack("Error", "57014: canceling statement due to user request",
		"Error: 57014: canceling statement due to user request\n    at /app/node_modules/postgres/cjs/src/index.js:359:31\n    at new Promise (<anonymous>)\n"+
			"    at Query.cancel (/app/node_modules/postgres/cjs/src/index.js:351:12)\n    at Query.cancel (/app/node_modules/postgres/cjs/src/query.js:53:36)\n"+
			"    at Timeout.<anonymous> (/app/src/routes/stock.js:91:38)\n    at listOnTimeout (node:internal/timers:581:17)")},
	// The server's cancellation through postgres.js: a PostgresError with the words alone.
	{"msg.canceled.postgresql", "database_timeout/query_canceled", fromStack("PostgresError", "canceling statement due to user request",
		"PostgresError: canceling statement due to user request\n    at ErrorResponse (/app/node_modules/postgres/cjs/src/connection.js:818:30)\n"+
			"    at handle (/app/node_modules/postgres/cjs/src/connection.js:492:6)\n    at Socket.data (/app/node_modules/postgres/cjs/src/connection.js:327:9)")},
	// Npgsql words every server error "<SQLSTATE>: <message>": no postgres.js frame, the code decides.
	{"postgresql.sqlstate.57014.user_request", "database_timeout/query_canceled", fromStack("Npgsql.PostgresException", "57014: canceling statement due to user request",
		"Npgsql.PostgresException (0x80004005): 57014: canceling statement due to user request\n   at Npgsql.Internal.NpgsqlConnector.ReadMessageLong(Boolean async, DataRowLoadingMode dataRowLoadingMode, Boolean readingNotifications, Boolean isReadingPrependedMessage)")},
	// MVC's view lookup: the engines' result says the view was not found, under ViewEngineResult's frame.
	{"origin.template.missing", "configuration_error/missing_config", fromStack("System.InvalidOperationException", "The view 'Cart' was not found. The following locations were searched:\n/Views/Shop/Cart.cshtml",
		"System.InvalidOperationException: The view 'Cart' was not found. The following locations were searched:\n/Views/Shop/Cart.cshtml\n"+
			"   at Microsoft.AspNetCore.Mvc.ViewEngines.ViewEngineResult.EnsureSuccessful(IEnumerable`1 originalLocations)\n"+
			"   at Microsoft.AspNetCore.Mvc.ViewFeatures.ViewResultExecutor.ExecuteAsync(ActionContext context, ViewResult result)\n"+
			"   at Shop.Controllers.ShopController.Cart() in /src/Shop/Controllers/ShopController.cs:line 20\n")},
	// Microsoft.Extensions.Configuration's wrapper of a configuration file that does not parse: the parser's
	// FormatException inside is the file's, even when none of the provider's frames was kept.
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("System.IO.InvalidDataException", "Failed to load configuration from file '/app/appsettings.json'.",
		"System.IO.InvalidDataException: Failed to load configuration from file '/app/appsettings.json'.\n ---> System.FormatException: Could not parse the JSON file.\n"+
			" ---> System.Text.Json.JsonReaderException: 'D' is an invalid escapable character within a JSON string. LineNumber: 5 | BytePositionInLine: 10.\n"+
			"   at System.Text.Json.ThrowHelper.ThrowJsonReaderException(Utf8JsonReader& json, ExceptionResource resource, Byte nextByte, ReadOnlySpan`1 bytes)\n"+
			"   at System.Text.Json.Utf8JsonReader.ConsumeString()\n")},
	// dj-database-url's parse of a DATABASE_URL whose scheme it has no engine for.
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("ValueError", "No support for 'mssqlx'. We support: cockroach, mssql, mysql, postgres",
		"Traceback (most recent call last):\n  File \"/srv/app/shop/settings.py\", line 9, in <module>\n    DATABASES = {\"default\": dj_database_url.config()}\n"+
			"  File \"/usr/local/lib/python3.12/site-packages/dj_database_url/__init__.py\", line 120, in parse\n    raise ValueError(...)\nValueError: No support for 'mssqlx'\n")},
	// A property read of undefined in the application's configuration module is a setting it was not given; in a
	// handler, the code's null.
	{"origin.config.missing", "configuration_error/missing_config", fromStack("TypeError", "Cannot read properties of undefined (reading 'split')",
		"TypeError: Cannot read properties of undefined (reading 'split')\n    at Object.<anonymous> (/srv/app/config/index.js:12:48)\n    at Module._compile (node:internal/modules/cjs/loader:1378:14)\n    at Object.<anonymous> (/srv/app/server.js:3:16)")},
	{"js.TypeError.undefined", "application_exception/null_reference", fromStack("TypeError", "Cannot read properties of undefined (reading 'split')",
		"TypeError: Cannot read properties of undefined (reading 'split')\n    at cartTotal (/srv/app/routes/cart.js:12:48)\n    at Layer.handle [as handle_request] (/srv/app/node_modules/express/lib/router/layer.js:95:5)")},
	// A configuration source whose value does not convert: invalid; one that lacks it: missing.
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("ValueError", "invalid literal for int() with base 10: 'abc'",
		"Traceback (most recent call last):\n  File \"/srv/app/shop/settings.py\", line 9, in pool_size\n    return int(os.environ[\"POOL_SIZE\"])\nValueError: invalid literal for int() with base 10: 'abc'\n")},
	// Flask's app.config, filled from the environment: the application line shows the read.
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("ValueError", "invalid literal for int() with base 10: 'twenty'",
		"Traceback (most recent call last):\n  File \"/usr/local/lib/python3.12/site-packages/flask/app.py\", line 917, in full_dispatch_request\n    rv = self.dispatch_request()\n"+
			"  File \"/srv/app/shop/views.py\", line 40, in items\n    size = int(current_app.config[\"PAGE_SIZE\"])\nValueError: invalid literal for int() with base 10: 'twenty'\n")},
	// No library's frame, the application's own configuration code: a Java class named for it, a Python settings module.
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("java.lang.NumberFormatException", `For input string: "twenty"`,
		"java.lang.NumberFormatException: For input string: \"twenty\"\n\tat java.base/java.lang.NumberFormatException.forInputString(NumberFormatException.java:67)\n"+
			"\tat java.base/java.lang.Integer.parseInt(Integer.java:662)\n\tat com.acme.shop.AppConfig.pageSize(AppConfig.java:31)\n\tat com.acme.shop.ItemsHandler.handle(ItemsHandler.java:18)\n")},
	{"origin.config.missing", "configuration_error/missing_config", fromStack("KeyError", "'payments_url'",
		"Traceback (most recent call last):\n  File \"/srv/app/shop/views.py\", line 40, in pay\n    url = settings.payments_url()\n"+
			"  File \"/srv/app/shop/settings.py\", line 12, in payments_url\n    return _loaded[\"payments_url\"]\nKeyError: 'payments_url'\n")},
	// The same words in other code of the application's stay its own.
	{"lang.KeyError", "application_exception/key_error", fromStack("KeyError", "'payments_url'",
		"Traceback (most recent call last):\n  File \"/srv/app/shop/views.py\", line 40, in pay\n    url = body[\"payments_url\"]\nKeyError: 'payments_url'\n")},
	{"java.NullPointerException", "application_exception/null_reference", fromStack("java.lang.NullPointerException", `Cannot invoke "String.length()" because "theme" is null`,
		"java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"theme\" is null\n\tat com.acme.shop.UserSettings.update(UserSettings.java:22)\n")},
	// A mapping named for the configuration (a YAML file loaded into config), read on the application's line.
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("ValueError", "invalid literal for int() with base 10: 'twenty'",
		"Traceback (most recent call last):\n  File \"/srv/app/shop/views.py\", line 40, in items\n    size = int(config[\"page_size\"])\nValueError: invalid literal for int() with base 10: 'twenty'\n")},
	{"origin.config.invalid", "configuration_error/invalid_config", javaNumberFormat("abc",
		"\tat org.springframework.util.NumberUtils.parseNumber(NumberUtils.java:212)\n\tat org.springframework.core.env.AbstractPropertyResolver.convertValueIfNecessary(AbstractPropertyResolver.java:280)\n")},
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("System.FormatException", "abc is not a valid value for Int32.",
		"System.FormatException: abc is not a valid value for Int32.\n   at System.ComponentModel.BaseNumberConverter.ConvertFrom(ITypeDescriptorContext context, CultureInfo culture, Object value)\n"+
			"   at Microsoft.Extensions.Configuration.ConfigurationBinder.TryConvertValue(Type type, String value, String path, Object& result, Exception& error)\n"+
			"   at Shop.Orders.OrderService.Place(Int32 id) in /src/Shop/Orders/OrderService.cs:line 31")},
	// marshmallow's Schema.load of the environment: the messages dict names the variable (fields.py
	// default_error_messages "required", Integer "invalid"); a request's lower-case field stays the application's.
	{"origin.config.missing", "configuration_error/missing_config", ex("marshmallow.exceptions.ValidationError", `{'PAYMENTS_URL': ['Missing data for required field.']}`)},
	{"origin.config.invalid", "configuration_error/invalid_config", ex("marshmallow.exceptions.ValidationError", `{'PAGE_SIZE': ['Not a valid integer.']}`)},
	{"generic.exception", "application_exception/unhandled_exception", ex("marshmallow.exceptions.ValidationError", `{'quantity': ['Not a valid integer.'], 'SKU': ['Missing data for required field.']}`)},
	// voluptuous's Schema called on the environment: the path names the variable (schema_builder.py
	// RequiredFieldInvalid "required key not provided", Coerce's "expected int"); a request's key stays the application's.
	{"origin.config.missing", "configuration_error/missing_config", ex("voluptuous.error.MultipleInvalid", `required key not provided @ data['PAYMENTS_URL']`)},
	{"origin.config.invalid", "configuration_error/invalid_config", ex("voluptuous.error.MultipleInvalid", `expected int @ data['PAGE_SIZE']`)},
	{"generic.exception", "application_exception/unhandled_exception", ex("voluptuous.error.MultipleInvalid", `expected int @ data['quantity']`)},
	// loguru's exception.message is the args' repr; the traceback's last line is str(exc) with the path.
	{"origin.config.missing", "configuration_error/missing_config", exs("MultipleInvalid", "[RequiredFieldInvalid('required key not provided')]",
		"Traceback (most recent call last):\n  File \"/srv/app/shop.py\", line 92, in settings\n    return Schema(schema, extra=ALLOW_EXTRA)(dict(env))\n"+
			"  File \"/srv/venv/lib/python3.11/site-packages/voluptuous/schema_builder.py\", line 407, in validate_mapping\n    raise er.MultipleInvalid(errors)\n"+
			"voluptuous.error.MultipleInvalid: required key not provided @ data['PAYMENTS_URL']\n")},
	// web.py's render of a template it has no file for.
	{"origin.template.missing", "configuration_error/missing_config", fromStack("AttributeError", "No template named receipt",
		"Traceback (most recent call last):\n  File \"/srv/app/shop.py\", line 189, in <lambda>\n    str(render.receipt({\"id\": 1}))\n"+
			"  File \"/srv/venv/lib/python3.11/site-packages/web/template.py\", line 1110, in _load_template\n    raise AttributeError(\"No template named \" + name)\n"+
			"AttributeError: No template named receipt")},
	// pydantic-settings: BaseSettings.__init__ validating the environment.
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("pydantic_core._pydantic_core.ValidationError",
		"1 validation error for Settings\npool_size\n  Input should be a valid integer, unable to parse string as an integer [type=int_parsing, input_value='abc', input_type=str]",
		pydanticSettings("pool_size\n  Input should be a valid integer, unable to parse string as an integer [type=int_parsing, input_value='abc', input_type=str]"))},
	// gojek/consul-envoy-xds#32: gojek goconfig's checkKey panics on a variable the environment lacks; the
	// application's own panic naming a setting reads the same; a panic that names none stays a panic.
	{"origin.config.missing", "configuration_error/missing_config", exs("", "CONSUL_CLIENT_PORT key is not set",
		"panic: CONSUL_CLIENT_PORT key is not set\n\ngoroutine 1 [running]:\nconsul-envoy-xds/vendor/github.com/gojek-engineering/goconfig.checkKey(0xc21fe3, 0x12)\n\t/opt/gopath/src/consul-envoy-xds/vendor/github.com/gojek-engineering/goconfig/utils.go:27 +0x128\nmain.main()\n\t/opt/gopath/src/consul-envoy-xds/main.go:6 +0x20")},
	{"origin.config.missing", "configuration_error/missing_config", exs("", "PAYMENTS_URL key is not set",
		"panic: PAYMENTS_URL key is not set\n\ngoroutine 1 [running]:\nmain.mustEnv(...)\n\t/app/main.go:20 +0x1f\nmain.main()\n\t/app/main.go:31 +0x2a")},
	{"msg.panic.go", "application_exception/panic", exs("", "order book is not set",
		"panic: order book is not set\n\ngoroutine 7 [running]:\nmain.reserve()\n\t/app/main.go:88 +0x1f")},
	{"origin.config.missing", "configuration_error/missing_config", fromStack("pydantic_core._pydantic_core.ValidationError",
		"1 validation error for Settings\ndatabase_url\n  Field required [type=missing, input_value={}, input_type=dict]",
		pydanticSettings("database_url\n  Field required [type=missing, input_value={}, input_type=dict]"))},
	// pydantic's text names the variable without a stack (ITISFoundation/osparc-simcore#7300: pydantic-settings 2, an
	// unset REGISTRY_PW; alexvanzyl/fastapi-simple-app-example#3: pydantic 1's BaseSettings, a validator's TypeError
	// among the missing ones); a request model's lower-case field keeps the application's.
	{"origin.config.missing", "configuration_error/missing_config", ex("pydantic_core._pydantic_core.ValidationError",
		"1 validation error for RegistrySettings\nREGISTRY_PW\n  Field required [type=missing, input_value={'REGISTRY_AUTH': 'False'}, input_type=dict]")},
	{"origin.config.missing", "configuration_error/missing_config", ex("pydantic.error_wrappers.ValidationError",
		"2 validation errors for Settings\nPOSTGRES_SERVER\n  field required (type=value_error.missing)\nSQLALCHEMY_DATABASE_URI\n  can only concatenate str (not \"NoneType\") to str (type=type_error)")},
	{"origin.config.invalid", "configuration_error/invalid_config", ex("pydantic_core._pydantic_core.ValidationError",
		"1 validation error for Settings\nPOOL_SIZE\n  Input should be a valid integer, unable to parse string as an integer [type=int_parsing, input_value='abc', input_type=str]")},
	// A settings model's lower-case fields are settings too (pydantic/pydantic#1714, pydantic 1's docs example without
	// its variables; pydantic/pydantic-settings#256, pydantic-settings 2): the model's name says what it is.
	{"origin.config.missing", "configuration_error/missing_config", ex("pydantic.error_wrappers.ValidationError",
		"2 validation errors for Settings\nauth_key\n  field required (type=value_error.missing)\napi_key\n  field required (type=value_error.missing)")},
	{"origin.config.missing", "configuration_error/missing_config", ex("pydantic_core._pydantic_core.ValidationError",
		"1 validation error for Settings\nother_value\n  Field required [type=missing, input_value={'MY_FIRST_VALUE: 'test123'}, input_type=dict]")},
	{"origin.config.invalid", "configuration_error/invalid_config", ex("pydantic_core._pydantic_core.ValidationError",
		"1 validation error for AppConfig\npool_size\n  Input should be a valid integer, unable to parse string as an integer [type=int_parsing, input_value='abc', input_type=str]")},
	{"generic.exception", "application_exception/unhandled_exception", ex("pydantic_core._pydantic_core.ValidationError",
		"1 validation error for Order\nquantity\n  Input should be a valid integer [type=int_parsing, input_value='x', input_type=str]")},
	{"msg.type.python", "application_exception/type_error", ex("Exception", `can only concatenate str (not "NoneType") to str`)},
	// Go: no stack; the wrapping names the variable.
	{"origin.config.invalid", "configuration_error/invalid_config", goErr(`parse POOL_SIZE: strconv.Atoi: parsing "abc": invalid syntax`)},
	{"origin.config.invalid", "configuration_error/invalid_config", goErr(`invalid PORT: strconv.Atoi: parsing "80a": invalid syntax`)},
	{"origin.config.missing", "configuration_error/missing_config", goErr(`parse POOL_SIZE: strconv.Atoi: parsing "": invalid syntax`)},
	// The reading function's camel-case name (openimsdk/open-im-server#2043); a wrap that names none stays generic.
	{"origin.config.invalid", "configuration_error/invalid_config", goErr(`configGetEnv failed,err:string to int failed: strconv.Atoi: parsing "openim_v3": invalid syntax`)},
	{"origin.config.invalid", "configuration_error/invalid_config", goErr(`loadConfig: strconv.Atoi: parsing "x": invalid syntax`)},
	{"generic.exception", "application_exception/unhandled_exception", goErr(`environmental: strconv.Atoi: parsing "x": invalid syntax`)},
	{"generic.exception", "application_exception/unhandled_exception", goErr(`updateUserSettings: strconv.Atoi: parsing "x": invalid syntax`)},
	// Rust: core::num's ParseIntError, wrapped with the variable's name.
	{"origin.config.invalid", "configuration_error/invalid_config", ex("", `setting PAGE_SIZE: invalid digit found in string`)},
	{"origin.config.missing", "configuration_error/missing_config", ex("", `setting PAGE_SIZE: cannot parse integer from empty string`)},
	{"origin.config.invalid", "configuration_error/invalid_config", goErr(`config: request timeout: time: invalid duration "5x"`)},
	// humantime's parse_duration, wrapped with the variable's name (a Rust service's timeout setting).
	{"origin.config.invalid", "configuration_error/invalid_config", ex("", `setting REQUEST_TIMEOUT: unknown time unit "x", supported units: ns, us, ms, sec, min, hours, days, weeks, months, years (and few variations)`)},
	// sethvargo/go-envconfig envconfig.go processWith: a field that fails to decode is `%s(%q): %w` (field name, value),
	// a required one unset `%w: %s` (ErrMissingRequired "missing required value", the variable) under the field's name.
	{"origin.config.invalid", "configuration_error/invalid_config", goErr(`PageSize("twenty"): strconv.ParseInt: parsing "twenty": invalid syntax`)},
	{"origin.config.invalid", "configuration_error/invalid_config", goErr(`RequestTimeout("5x"): time: invalid duration "5x"`)},
	// go-envconfig v1.4.3 processWith: `%s: %w` of the field's name (go-chi config_not_an_int), nested fields too.
	{"origin.config.invalid", "configuration_error/invalid_config", ex("*strconv.NumError", `PageSize: strconv.ParseInt: parsing "twenty": invalid syntax`)},
	{"origin.config.invalid", "configuration_error/invalid_config", goErr(`Database: Timeout: time: invalid duration "5x"`)},
	// ilyakaznacheev/cleanenv: ParsingError "parsing field %v env %v: %v", and a required field unset.
	{"origin.config.invalid", "configuration_error/invalid_config", goErr(`parsing field PageSize env PAGE_SIZE: strconv.ParseInt: parsing "twenty": invalid syntax`)},
	{"msg.config_missing", "configuration_error/missing_config", goErr(`field "PaymentsURL" is required but the value is not provided`)},
	// A logger's prefix is no field name.
	{"generic.exception", "application_exception/unhandled_exception", goErr(`Error: strconv.Atoi: parsing "x": invalid syntax`)},
	{"msg.config_missing", "configuration_error/missing_config", goErr(`PaymentsURL: missing required value: PAYMENTS_URL`)},
	// caarlos0/env errors.go: ParseError "env: parse error on field %q of type %q: %v", EnvVarIsNotSetError.
	{"msg.config_invalid", "configuration_error/invalid_config", goErr(`env: parse error on field "PageSize" of type "int": strconv.ParseInt: parsing "twenty": invalid syntax`)},
	{"msg.env_missing", "configuration_error/missing_config", goErr(`env: required environment variable "PAYMENTS_URL" is not set`)},
	// Netflix/go-env env.go ErrMissingRequiredValue (go-restful config_missing, a slog record's type); strconv's
	// error it returns bare of an unconvertible value says nothing of go-env and keeps the application's.
	{"origin.config.missing", "configuration_error/missing_config", fromStack("*env.ErrMissingRequiredValue", "value for this field is required [PAYMENTS_URL]", "")},
	{"generic.exception", "application_exception/unhandled_exception", ex("*strconv.NumError", `strconv.Atoi: parsing "twenty": invalid syntax`)},
	// zod src/ZodError.ts: the message is the issues as JSON; z.object({...}).parse(process.env) names the variable
	// in the path: unset ("received": "undefined", "Required") is missing, a value that does not convert invalid;
	// a request body's field keeps the application's.
	{"origin.config.missing", "configuration_error/missing_config", ex("ZodError", "[\n  {\n    \"code\": \"invalid_type\",\n    \"expected\": \"string\",\n    \"received\": \"undefined\",\n    \"path\": [\n      \"PAYMENTS_URL\"\n    ],\n    \"message\": \"Required\"\n  }\n]")},
	{"origin.config.invalid", "configuration_error/invalid_config", ex("ZodError", "[\n  {\n    \"code\": \"invalid_type\",\n    \"expected\": \"number\",\n    \"received\": \"nan\",\n    \"path\": [\n      \"PAGE_SIZE\"\n    ],\n    \"message\": \"Expected number, received nan\"\n  }\n]")},
	{"generic.exception", "application_exception/unhandled_exception", ex("ZodError", "[\n  {\n    \"code\": \"invalid_type\",\n    \"expected\": \"number\",\n    \"received\": \"string\",\n    \"path\": [\n      \"quantity\"\n    ],\n    \"message\": \"Expected number, received string\"\n  }\n]")},
	// int() of a subscript of a mapping named env, in the application's frame (python-pyramid config_not_an_int);
	// int() of a form's value keeps the application's.
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("ValueError", "invalid literal for int() with base 10: 'twenty'",
		"Traceback (most recent call last):\n  File \"/srv/app/shop.py\", line 41, in <lambda>\n    lambda request: {\"page_size\": int(env[\"PAGE_SIZE\"])}\nValueError: invalid literal for int() with base 10: 'twenty'\n")},
	{"lang.InvalidArgument", "application_exception/invalid_argument", fromStack("ValueError", "invalid literal for int() with base 10: 'twenty'",
		"Traceback (most recent call last):\n  File \"/srv/app/shop.py\", line 41, in <lambda>\n    lambda request: {\"page_size\": int(request.params[\"size\"])}\nValueError: invalid literal for int() with base 10: 'twenty'\n")},
	// go-viper/mapstructure v2 errors.go DecodeError "'%s' %s" under mapstructure.go's "decoding failed due to the
	// following error(s)", as koanf's Unmarshal of the environment returns it (go-mux config_not_an_int, a slog
	// record's *errors.joinError); its UnconvertibleTypeError; mitchellh/mapstructure's forms. A request's field
	// (lower case) keeps the application's.
	{"origin.config.invalid", "configuration_error/invalid_config", ex("*errors.joinError", "decoding failed due to the following error(s):\n\n'PAGE_SIZE' cannot parse value as 'int': strconv.ParseInt: invalid syntax")},
	{"origin.config.invalid", "configuration_error/invalid_config", goErr("decoding failed due to the following error(s):\n\n'RETRIES' expected type 'int', got unconvertible type 'string'")},
	{"origin.config.invalid", "configuration_error/invalid_config", goErr("1 error(s) decoding:\n\n* 'PAGE_SIZE' expected type 'int', got unconvertible type 'string', value: 'twenty'")},
	{"origin.config.invalid", "configuration_error/invalid_config", goErr(`1 error(s) decoding:` + "\n\n" + `* cannot parse 'PAGE_SIZE' as int: strconv.ParseInt: parsing "twenty": invalid syntax`)},
	{"generic.exception", "application_exception/unhandled_exception", ex("*errors.joinError", "decoding failed due to the following error(s):\n\n'quantity' cannot parse value as 'int': strconv.ParseInt: invalid syntax")},
	// A request's own value keeps the application's: no field name and value before the parse error.
	{"generic.exception", "application_exception/unhandled_exception", goErr(`parse page: strconv.Atoi: parsing "x": invalid syntax`)},
	// A schema validator's issue on an environment variable (node-hapi config_missing, config_not_an_int: zod 4.6.7
	// z.coerce.number().int() and z.string() of process.env; ZodError's message is its issues as JSON).
	{"origin.config.missing", "configuration_error/missing_config", ex("ZodError", "[\n  {\n    \"expected\": \"string\",\n    \"code\": \"invalid_type\",\n    \"path\": [\n      \"PAYMENTS_URL\"\n    ],\n    \"message\": \"Invalid input: expected string, received undefined\"\n  }\n]")},
	{"origin.config.invalid", "configuration_error/invalid_config", ex("ZodError", "[\n  {\n    \"expected\": \"number\",\n    \"code\": \"invalid_type\",\n    \"received\": \"NaN\",\n    \"path\": [\n      \"PAGE_SIZE\"\n    ],\n    \"message\": \"Invalid input: expected number, received NaN\"\n  }\n]")},
	// yup locale.js, Joi any.required, ajv errorsText as env-schema throws it.
	{"origin.config.missing", "configuration_error/missing_config", ex("ValidationError", `PAYMENTS_URL is a required field`)},
	{"origin.config.invalid", "configuration_error/invalid_config", ex("ValidationError", "PAGE_SIZE must be a `number` type, but the final value was: `NaN` (cast from the value `\"twenty\"`).")},
	{"origin.config.missing", "configuration_error/missing_config", ex("ValidationError", `"PAYMENTS_URL" is required`)},
	{"origin.config.missing", "configuration_error/missing_config", ex("Error", `env must have required property 'PAYMENTS_URL'`)},
	{"origin.config.invalid", "configuration_error/invalid_config", ex("Error", `env/PAGE_SIZE must be integer`)},
	// An acronym is no variable's name.
	{"generic.exception", "application_exception/unhandled_exception", ex("ValidationError", `URL is a required field`)},
	// valibot 1.x src/schemas/object/object.ts: an absent key's issue, _addIssue(this, 'key', ..., {expected: `"${key}"`})
	// in src/utils/_addIssue/_addIssue.ts's "Invalid ${label}: Expected ${expected} but received ${received}"
	// (node-trpc config_missing: v.parse of process.env); a request body's key keeps the application's, and so does
	// a value that fails an action, whose issue names no key.
	{"origin.config.missing", "configuration_error/missing_config", ex("ValiError", `Invalid key: Expected "PAYMENTS_URL" but received undefined`)},
	{"generic.exception", "application_exception/unhandled_exception", ex("ValiError", `Invalid key: Expected "email" but received undefined`)},
	{"generic.exception", "application_exception/unhandled_exception", ex("ValiError", `Invalid digits: Received "twenty"`)},
	// node-nestjs config_not_an_int: Joi.attempt on the environment variable, no configuration frame.
	{"origin.config.invalid", "configuration_error/invalid_config", ex("ValidationError", `"PAGE_SIZE" must be a number`)},
	{"origin.config.missing", "configuration_error/missing_config", fromStack("TypeError", "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'",
		"Traceback (most recent call last):\n  File \"/srv/app/shop/settings.py\", line 9, in pool_size\n    return int(os.getenv(\"POOL_SIZE\"))\nTypeError: int() argument must be a string, a bytes-like object or a real number, not 'NoneType'\n")},
	{"origin.config.missing", "configuration_error/missing_config", fromStack("Error", "required setting payments.url not found",
		"Error: required setting payments.url not found\n    at Config.get (/app/node_modules/convict/src/main.js:610:13)\n"+nodeAppLine)},
	// convict src/main.js: validate() collects each setting's failed format check, `must be of type String` for a
	// setting whose format is a constructor, with ": value was <JSON>" after it unless the value is falsy: a
	// `default: null` setting left unset is missing, a value of the wrong type invalid.
	{"origin.config.unset", "configuration_error/missing_config", fromStack("Error", "paymentsUrl: must be of type String",
		"Error: paymentsUrl: must be of type String\n    at Object.validate (/app/node_modules/convict/src/main.js:681:17)\n"+nodeAppLine)},
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("Error", `retries: must be of type Number: value was "three"`,
		"Error: retries: must be of type Number: value was \"three\"\n    at Object.validate (/app/node_modules/convict/src/main.js:681:17)\n"+nodeAppLine)},
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("Error", "pageSize: must be a positive integer",
		"Error: pageSize: must be a positive integer\n    at Object.validate (/app/node_modules/convict/src/main.js:681:17)\n"+nodeAppLine)},
	// dropwizard-configuration BaseConfigurationFactory.build: ConfigurationParsingException ("Incorrect type of
	// value") and ConfigurationValidationException (Bean Validation's words per field); EnvironmentVariableSubstitutor
	// rethrows commons-text's "Cannot resolve variable" as UndefinedEnvironmentVariableException (java-dropwizard).
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("io.dropwizard.configuration.ConfigurationParsingException",
		"paging.yml has an error:\n  * Incorrect type of value at: pageSize; is of type: String, expected: int\n",
		"io.dropwizard.configuration.ConfigurationParsingException: paging.yml has an error:\n  * Incorrect type of value at: pageSize; is of type: String, expected: int\n\n\tat io.dropwizard.configuration.ConfigurationParsingException$Builder.build(ConfigurationParsingException.java:279)\n\tat io.dropwizard.configuration.BaseConfigurationFactory.build(BaseConfigurationFactory.java:163)\n\tat blind.shop.Shop.settings(Shop.java:88)")},
	{"origin.config.missing", "configuration_error/missing_config", fromStack("io.dropwizard.configuration.UndefinedEnvironmentVariableException",
		"Cannot resolve variable 'PAYMENTS_URL' (enableSubstitutionInVariables=false).",
		"io.dropwizard.configuration.UndefinedEnvironmentVariableException: Cannot resolve variable 'PAYMENTS_URL' (enableSubstitutionInVariables=false).\n\tat io.dropwizard.configuration.EnvironmentVariableSubstitutor.substitute(EnvironmentVariableSubstitutor.java:47)\n\tat org.apache.commons.text.StringSubstitutor.replace(StringSubstitutor.java:1066)\n\tat io.dropwizard.configuration.SubstitutingSourceProvider.open(SubstitutingSourceProvider.java:39)\n\tat blind.shop.Shop.settings(Shop.java:88)")},
	{"origin.config.missing", "configuration_error/missing_config", dropwizardViolation("paymentsUrl must not be null")},
	{"origin.config.invalid", "configuration_error/invalid_config", dropwizardViolation("pageSize must be greater than or equal to 1")},
	// indexzero/nconf lib/nconf/provider.js Provider.required: `throw new Error('Missing required keys: ' + ...)` (node-express).
	{"origin.config.missing", "configuration_error/missing_config", fromStack("Error", "Missing required keys: PAYMENTS_URL",
		"Error: Missing required keys: PAYMENTS_URL\n    at Provider.required (/app/node_modules/nconf/lib/nconf/provider.js:364:11)\n"+nodeAppLine)},
	// evanshortiss/env-var lib/variable.js: required() and the as* accessors raise EnvVarError.
	{"origin.config.missing", "configuration_error/missing_config", fromStack("EnvVarError", `env-var: "PAYMENTS_URL" is a required variable, but it was not set`,
		"EnvVarError: env-var: \"PAYMENTS_URL\" is a required variable, but it was not set\n    at raiseError (/app/node_modules/env-var/lib/variable.js:47:11)\n    at Object.asUrlString (/app/node_modules/env-var/lib/variable.js:64:11)\n"+nodeAppLine)},
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("EnvVarError", `env-var: "PAGE_SIZE" should be a valid integer`,
		"EnvVarError: env-var: \"PAGE_SIZE\" should be a valid integer\n    at raiseError (/app/node_modules/env-var/lib/variable.js:47:11)\n    at Object.asIntPositive (/app/node_modules/env-var/lib/variable.js:64:11)\n"+nodeAppLine)},
	// handlebars runtime.js invokePartial.
	{"origin.template.missing", "configuration_error/missing_config", fromStack("Error", "The partial header could not be found",
		"Error: The partial header could not be found\n    at Object.invokePartial (/app/node_modules/handlebars/dist/cjs/handlebars/runtime.js:332:11)\n"+nodeAppLine)},
	// DRYTRIX/TimeTracker#499: a TemplateNotFound logged without its type, its message the template's name.
	{"origin.template.name", "configuration_error/missing_config", fromStack("", "deals/activity_form.html",
		"Traceback (most recent call last):\n  File \"/app/app/routes/deals.py\", line 319, in create_activity\n    return render_template(\"deals/activity_form.html\", deal=deal, activity=None)\n"+
			"  File \"/usr/local/lib/python3.11/site-packages/flask/templating.py\", line 151, in render_template\n    template = app.jinja_env.get_or_select_template(template_name_or_list)\n"+
			"  File \"/usr/local/lib/python3.11/site-packages/jinja2/environment.py\", line 1087, in get_or_select_template\n    return self.get_template(template_name_or_list, parent, globals)\n")},
	// dynaconf/base.py Settings.__getattr__: `raise AttributeError(key)` for a key no loader set, the key alone
	// (python-litestar config_missing); an AttributeError raised in the application after the lookup stays a bug.
	{"origin.config.missing", "configuration_error/missing_config", fromStack("AttributeError", "PAYMENTS_URL",
		"Traceback (most recent call last):\n  File \"/srv/app/shop.py\", line 128, in payments_url\n    return {\"payments\": settings.PAYMENTS_URL}\n"+
			"  File \"/usr/local/lib/python3.11/site-packages/dynaconf/base.py\", line 98, in __getattr__\n    return getattr(self._wrapped, name)\n"+
			"  File \"/usr/local/lib/python3.11/site-packages/dynaconf/base.py\", line 372, in __getattr__\n    raise AttributeError(key)\nAttributeError: PAYMENTS_URL\n")},
	{"python.AttributeError", "application_exception/type_error", fromStack("AttributeError", "'dict' object has no attribute 'owner'",
		"Traceback (most recent call last):\n  File \"/srv/app/shop.py\", line 131, in owner\n    return settings.ACCOUNTS.owner\nAttributeError: 'dict' object has no attribute 'owner'\n")},
	// configparser's getint() converts in RawConfigParser._get; commons-configuration's getInt in
	// AbstractConfiguration.getAndConvertProperty (ConversionException); a ValueError of the application's own int() stays its.
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("ValueError", "invalid literal for int() with base 10: 'twenty'",
		"Traceback (most recent call last):\n  File \"/srv/app/shop.py\", line 40, in page_size\n    return config.getint(\"shop\", \"page_size\")\n"+
			"  File \"/usr/lib/python3.11/configparser.py\", line 834, in getint\n    return self._get_conv(section, option, int, raw=raw, vars=vars,\n"+
			"  File \"/usr/lib/python3.11/configparser.py\", line 820, in _get\n    return conv(self.get(section, option, **kwargs))\nValueError: invalid literal for int() with base 10: 'twenty'\n")},
	{"lang.InvalidArgument", "application_exception/invalid_argument", fromStack("ValueError", "invalid literal for int() with base 10: 'twenty'",
		"Traceback (most recent call last):\n  File \"/srv/app/shop.py\", line 44, in quantity\n    return int(request.query_params[\"qty\"])\nValueError: invalid literal for int() with base 10: 'twenty'\n")},
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("org.apache.commons.configuration2.ex.ConversionException", "Key 'page.size' cannot be converted to class java.lang.Integer. Value is: 'twenty'.",
		"org.apache.commons.configuration2.ex.ConversionException: Key 'page.size' cannot be converted to class java.lang.Integer. Value is: 'twenty'.\n"+
			"\tat org.apache.commons.configuration2.AbstractConfiguration.getAndConvertProperty(AbstractConfiguration.java:627)\n\tat org.apache.commons.configuration2.AbstractConfiguration.getInt(AbstractConfiguration.java:836)\n"+
			"\tat com.acme.shop.Shop.pageSize(Shop.java:51)")},
	// Iceberg's PropertyUtil parses a catalog property as it stands (databricks/iceberg-rest-image#135).
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("java.lang.NumberFormatException", `For input string: "tcp://10.0.0.7:8181"`,
		"java.lang.NumberFormatException: For input string: \"tcp://10.0.0.7:8181\"\n\tat java.base/java.lang.NumberFormatException.forInputString(NumberFormatException.java:67)\n"+
			"\tat java.base/java.lang.Integer.parseInt(Integer.java:668)\n\tat org.apache.iceberg.util.PropertyUtil.propertyAsInt(PropertyUtil.java:64)\n"+
			"\tat org.apache.iceberg.rest.RESTCatalogServer.main(RESTCatalogServer.java:102)")},
	// ... and its cast of a value through parse_conf.apply_converter, the ValueError inside chained.
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("DynaconfParseError", "Cannot convert 'twenty' to integer: invalid literal for int() with base 10: 'twenty'",
		"Traceback (most recent call last):\n  File \"/usr/local/lib/python3.11/site-packages/dynaconf/utils/parse_conf.py\", line 546, in _safe_int_casting\n    return int(value)\n"+
			"ValueError: invalid literal for int() with base 10: 'twenty'\n\nThe above exception was the direct cause of the following exception:\n\n"+
			"Traceback (most recent call last):\n  File \"/srv/app/shop.py\", line 123, in page_size\n    return {\"page_size\": settings.as_int(\"PAGE_SIZE\")}\n"+
			"  File \"/usr/local/lib/python3.11/site-packages/dynaconf/base.py\", line 718, in as_int\n    return self.get(key, cast=\"@int\")\n"+
			"  File \"/usr/local/lib/python3.11/site-packages/dynaconf/utils/parse_conf.py\", line 548, in _safe_int_casting\n    raise DynaconfParseError(\n"+
			"dynaconf.utils.parse_conf.DynaconfParseError: Cannot convert 'twenty' to integer: invalid literal for int() with base 10: 'twenty'\n")},
	// A message that names a setting the application was not given, in any language (java-vertx config_missing:
	// the application's own check of a null from Vert.x Config's JsonObject.getString); a request's field, an
	// acronym or a value of the code's own keeps its words.
	{"origin.config.missing", "configuration_error/missing_config", fromStack("java.lang.IllegalStateException", "PAYMENTS_URL is not configured",
		"java.lang.IllegalStateException: PAYMENTS_URL is not configured\n\tat com.acme.shop.Shop.paymentsUrl(Shop.java:88)\n\tat io.vertx.core.impl.future.Mapping.onSuccess(Mapping.java:35)")},
	{"origin.config.missing", "configuration_error/missing_config", ex("java.lang.RuntimeException", "Required setting PAYMENTS_URL is missing")},
	{"origin.config.missing", "configuration_error/missing_config", ex("RuntimeError", "PAYMENTS_URL must be set")},
	{"origin.config.missing", "configuration_error/missing_config", ex("ValueError", "The PAYMENTS_URL setting is not set.")},
	{"origin.config.missing", "configuration_error/missing_config", ex("Error", "Config value 'PAYMENTS_URL' is required")},
	{"origin.config.missing", "configuration_error/missing_config", ex("System.InvalidOperationException", "PAYMENTS_URL is not configured.")},
	// go-servemux config_missing: the application's check of viper's empty value names the key and the variable
	// bound to it; a request's field in parentheses is no variable.
	{"origin.config.missing", "configuration_error/missing_config", ex("*errors.errorString", "config: payments_url (PAYMENTS_URL) is required")},
	{"generic.exception", "application_exception/unhandled_exception", ex("*errors.errorString", "order: customer (id) is required")},
	{"origin.config.missing", "configuration_error/missing_config", goErr("payments client: PORT is empty")},
	// A Go handler's error that otelecho keeps in echo.error, read as the server span's status description.
	{"origin.config.missing", "configuration_error/missing_config", st("PAYMENTS_URL is not set")},
	{"origin.config.invalid", "configuration_error/invalid_config", st(`parse POOL_SIZE: strconv.Atoi: parsing "abc": invalid syntax`)},
	{"generic.status", "application_exception/unhandled_exception", st("order 42 is not set up for shipping")},
	{"lang.InvalidArgument", "application_exception/invalid_argument", ex("ValueError", "user_id is required")},
	{"lang.InvalidArgument", "application_exception/invalid_argument", ex("java.lang.IllegalArgumentException", "JSON is required")},
	{"lang.IllegalState", "application_exception/illegal_state", ex("java.lang.IllegalStateException", "Order ORD_1 is missing")},
	{"lang.IllegalState", "application_exception/illegal_state", ex("java.lang.IllegalStateException", "STATE_PENDING is not configured for workflow refunds")},
	// Configuration libraries decided by their frames: starlette/config.py's KeyError and cast ValueError,
	// everett's InvalidValueError, omegaconf's ValidationError, confuse's NotFoundError and ConfigTypeError,
	// environ-config's converter in attrs' generated __init__, helidon's ConfigMappingException, owner's
	// converter; a KeyError of a request's mapping stays the application's.
	{"origin.config.missing", "configuration_error/missing_config", fromStack("KeyError", `"Config 'PAYMENTS_URL' is missing, and has no default."`,
		pyTrace("    return {\"url\": config(\"PAYMENTS_URL\")}\n", "starlette/config.py\", line 90, in __call__\n    return self.get(key, cast, default)\n",
			"starlette/config.py\", line 107, in get\n    raise KeyError(f\"Config '{key}' is missing, and has no default.\")\n", `KeyError: "Config 'PAYMENTS_URL' is missing, and has no default."`))},
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("ValueError", "Config 'PAGE_SIZE' has value 'twenty'. Not a valid int.",
		pyTrace("    size = config(\"PAGE_SIZE\", cast=int)\n", "starlette/config.py\", line 107, in get\n    return self._perform_cast(key, value, cast)\n",
			"starlette/config.py\", line 119, in _perform_cast\n    raise ValueError(\n", "ValueError: Config 'PAGE_SIZE' has value 'twenty'. Not a valid int."))},
	{"lang.KeyError", "application_exception/key_error", fromStack("KeyError", "'item'",
		"Traceback (most recent call last):\n  File \"/srv/app/shop.py\", line 40, in pay\n    item = payload[\"item\"]\nKeyError: 'item'\n")},
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("everett.InvalidValueError",
		"ValueError: invalid literal for int() with base 10: 'twenty'\nPAGE_SIZE requires a value parseable by int\nPAGE_SIZE docs: Orders per page.",
		pyTrace("    size = config(\"page_size\", parser=int)\n", "everett/manager.py\", line 1079, in __call__\n    raise InvalidValueError(msg, namespace, key, parser)\n", "",
			"everett.InvalidValueError: ValueError: invalid literal for int() with base 10: 'twenty'\nPAGE_SIZE requires a value parseable by int"))},
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("omegaconf.errors.ValidationError",
		"Value 'twenty' of type 'str' could not be converted to Integer\n    full_key: page_size\n    object_type=ShopConfig",
		pyTrace("    size = cfg.page_size\n", "omegaconf/dictconfig.py\", line 355, in __getattr__\n    self._format_and_raise(key=key, value=None, cause=e)\n",
			"omegaconf/_utils.py\", line 819, in _raise\n    raise ex.with_traceback(sys.exc_info()[2])\n", "omegaconf.errors.ValidationError: Value 'twenty' of type 'str' could not be converted to Integer"))},
	{"origin.config.missing", "configuration_error/missing_config", fromStack("confuse.exceptions.NotFoundError", "payments.url not found",
		pyTrace("    url = config[\"payments\"][\"url\"].get(str)\n", "confuse/core.py\", line 237, in get\n    return templates.as_template(template).value(self, template)\n",
			"confuse/core.py\", line 150, in first\n    raise NotFoundError(u\"{0} not found\".format(self.name))\n", "confuse.exceptions.NotFoundError: payments.url not found"))},
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("confuse.exceptions.ConfigTypeError", "page_size: must be a number",
		pyTrace("    size = config[\"page_size\"].get(int)\n", "confuse/templates.py\", line 108, in fail\n    raise exceptions.ConfigTypeError(\n", "",
			"confuse.exceptions.ConfigTypeError: page_size: must be a number"))},
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("ValueError", "invalid literal for int() with base 10: 'twenty'",
		pyTrace("    cfg = environ.to_config(AppConfig)\n", "environ/_environ_config.py\", line 290, in _to_config\n    return config_cls(**vals)\n",
			"", "  File \"<attrs generated init shop.AppConfig>\", line 3, in __init__\n    self.page_size = __attr_converter_page_size(page_size)\nValueError: invalid literal for int() with base 10: 'twenty'"))},
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("io.helidon.config.ConfigMappingException",
		"Mapping of value 'twenty' stored under key 'app.page-size' to type 'java.lang.Integer' has failed.",
		"io.helidon.config.ConfigMappingException: Mapping of value 'twenty' stored under key 'app.page-size' to type 'java.lang.Integer' has failed.\n"+
			"\tat io.helidon.config.ConfigMappers.lambda$wrap$1(ConfigMappers.java:144)\n\tat io.helidon.config.ConfigValues$GenericConfigValueImpl.get(ConfigValues.java:240)\n\tat com.acme.shop.Shop.pageSize(Shop.java:51)")},
	{"origin.config.invalid", "configuration_error/invalid_config", javaNumberFormat("twenty",
		"\tat org.aeonbits.owner.Converters$19.convert(Converters.java:263)\n\tat org.aeonbits.owner.PropertiesInvocationHandler.invoke(PropertiesInvocationHandler.java:69)\n")},
	// pydantic v1's compiled BaseSettings (relative frame paths): a settings model, not a request's.
	{"origin.config.missing", "configuration_error/missing_config", fromStack("pydantic.error_wrappers.ValidationError",
		"1 validation error for Settings\npayments_url\n  field required (type=value_error.missing)",
		pyTrace("    return Settings()\n", "", "", "  File \"pydantic/env_settings.py\", line 39, in pydantic.env_settings.BaseSettings.__init__\n"+
			"  File \"pydantic/main.py\", line 341, in pydantic.main.BaseModel.__init__\npydantic.error_wrappers.ValidationError: 1 validation error for Settings"))},
	// Redisson's "Unable to connect to Redis server" over the refused connect: a cache's refusal, not a peer's.
	{"java.ConnectException", "database_connection/connection_refused", fromStack("org.redisson.client.RedisConnectionException",
		"Unable to connect to Redis server: 127.0.0.1/127.0.0.1:40123",
		"org.redisson.client.RedisConnectionException: Unable to connect to Redis server: 127.0.0.1/127.0.0.1:40123\n"+
			"\tat org.redisson.connection.pool.ConnectionPool$1.lambda$run$0(ConnectionPool.java:158)\n\tat com.acme.shop.Shop.cache(Shop.java:51)\n"+
			"Caused by: io.netty.channel.AbstractChannel$AnnotatedConnectException: Connection refused: /127.0.0.1:40123\nCaused by: java.net.ConnectException: Connection refused\n\t... 3 more\n")},
	// Spring's @Value of a value that does not convert: "required type" is the target's, not a missing key's.
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("org.springframework.beans.TypeMismatchException",
		"Failed to convert value of type 'java.lang.String' to required type 'int'; For input string: \"twenty\"",
		"org.springframework.beans.TypeMismatchException: Failed to convert value of type 'java.lang.String' to required type 'int'; For input string: \"twenty\"\n"+
			"\tat org.springframework.beans.TypeConverterSupport.convertIfNecessary(TypeConverterSupport.java:81)\n"+
			"\tat org.springframework.beans.factory.annotation.AutowiredAnnotationBeanPostProcessor$AutowiredFieldElement.resolveFieldValue(AutowiredAnnotationBeanPostProcessor.java:772)\n"+
			"\tat com.acme.shop.ShopController.items(ShopController.java:40)\nCaused by: java.lang.NumberFormatException: For input string: \"twenty\"\n")},
	// Spring 4.x brackets the types: "required" is still the target type's.
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("org.springframework.beans.factory.BeanCreationException",
		"Could not autowire field: private int com.acme.shop.ShopSettings.pageSize; nested exception is org.springframework.beans.TypeMismatchException: Failed to convert value of type [java.lang.String] to required type [int]; nested exception is java.lang.NumberFormatException: For input string: \"\"",
		"org.springframework.beans.factory.BeanCreationException: Could not autowire field: private int com.acme.shop.ShopSettings.pageSize; nested exception is org.springframework.beans.TypeMismatchException: Failed to convert value of type [java.lang.String] to required type [int]; nested exception is java.lang.NumberFormatException: For input string: \"\"\n"+
			"\tat org.springframework.beans.factory.annotation.AutowiredAnnotationBeanPostProcessor.postProcessPropertyValues(AutowiredAnnotationBeanPostProcessor.java:334)\n"+
			"\tat org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.populateBean(AbstractAutowireCapableBeanFactory.java:1214)\n")},
	// Ktor's ApplicationConfig of a key no source sets.
	{"origin.config.missing", "configuration_error/missing_config", fromStack("io.ktor.server.config.ApplicationConfigurationException", "Property shop.paymentsUrl not found.",
		"io.ktor.server.config.ApplicationConfigurationException: Property shop.paymentsUrl not found.\n"+
			"\tat io.ktor.server.config.HoconApplicationConfig.property(HoconApplicationConfig.kt:21)\n\tat com.acme.shop.RoutesKt$shop$1.invokeSuspend(Routes.kt:30)\n")},
	// A cache client's refused connect, from its frames (memjs): the cache's refusal, not a peer's.
	{"msg.connection_refused", "database_connection/connection_refused", fromStack("Error", "connect ECONNREFUSED 127.0.0.1:11211",
		"Error: connect ECONNREFUSED 127.0.0.1:11211\n    at Socket.<anonymous> (/app/node_modules/memjs/lib/memjs/server.js:211:21)\n"+nodeAppLine)},
	// An HTTP client's error of a reason phrase alone: superagent (its frames), Micronaut's client (its type).
	{"origin.http.reason_5xx", "dependency_failure/upstream_5xx", fromStack("Error", "Internal Server Error",
		"Error: Internal Server Error\n    at Request.callback (/app/node_modules/superagent/lib/node/index.js:857:15)\n"+nodeAppLine)},
	{"origin.http.reason_5xx", "dependency_failure/upstream_5xx", fromStack("io.micronaut.http.client.exceptions.HttpClientResponseException", "Internal Server Error", "")},
	// The same words without a client's frames are the application's own.
	{"generic.exception", "application_exception/unhandled_exception", fromStack("Error", "Internal Server Error",
		"Error: Internal Server Error\n"+nodeAppLine)},
	// aiomysql's pool under an asyncio timeout: the pool's wait, not a statement's.
	{"origin.pool.timeout", "database_connection/pool_exhausted", fromStack("TimeoutError", "",
		"Traceback (most recent call last):\n  File \"/usr/local/lib/python3.12/site-packages/aiomysql/pool.py\", line 158, in _acquire\n    await self._cond.wait()\n"+
			"asyncio.exceptions.CancelledError\n\nThe above exception was the direct cause of the following exception:\n\nTraceback (most recent call last):\n"+
			"  File \"/srv/app/shop/views.py\", line 30, in cart\n    async with asyncio.timeout(2):\nTimeoutError\n")},
	// tornado.options: an option no one defined, and a value of the wrong type ("required" there is the type's).
	{"origin.config.missing", "configuration_error/missing_config", fromStack("AttributeError", "Unrecognized option 'page_size'",
		"Traceback (most recent call last):\n  File \"/srv/app/shop.py\", line 40, in get\n    size = options.page_size\n"+
			"  File \"/usr/local/lib/python3.12/site-packages/tornado/options.py\", line 157, in __getattr__\n    raise AttributeError(\"Unrecognized option %r\" % name)\nAttributeError: Unrecognized option 'page_size'\n")},
	{"origin.config.invalid", "configuration_error/invalid_config", fromStack("tornado.options.Error", "Option 'page_size' is required to be a int (<class 'str'> given)",
		"Traceback (most recent call last):\n  File \"/srv/app/shop.py\", line 12, in settings\n    options.page_size = os.environ.get(\"PAGE_SIZE\")\n"+
			"  File \"/usr/local/lib/python3.12/site-packages/tornado/options.py\", line 595, in set\n    raise Error(\ntornado.options.Error: Option 'page_size' is required to be a int (<class 'str'> given)\n")},
	// Sanic's app.config.X of a key no source set.
	{"origin.config.missing", "configuration_error/missing_config", fromStack("AttributeError", "Config has no 'PAYMENTS_URL'",
		"Traceback (most recent call last):\n  File \"/srv/app/shop.py\", line 40, in pay\n    url = request.app.config.PAYMENTS_URL\n"+
			"  File \"/usr/local/lib/python3.12/site-packages/sanic/config.py\", line 165, in __getattr__\n    raise AttributeError(f\"Config has no '{ke.args[0]}'\")\nAttributeError: Config has no 'PAYMENTS_URL'\n")},
	// pymemcache's connect on first use: the socket's refusal under the cache client's frames is the cache's.
	{"java.ConnectException", "database_connection/connection_refused", fromStack("ConnectionRefusedError", "[Errno 111] Connection refused",
		"Traceback (most recent call last):\n  File \"/srv/app/shop/views.py\", line 52, in cached\n    hit = mc.get(key)\n"+
			"  File \"/usr/local/lib/python3.12/site-packages/pymemcache/client/base.py\", line 687, in get\n    return self._fetch_cmd(b\"get\", [key], False, key_prefix=self.key_prefix).get(key, default)\n"+
			"  File \"/usr/local/lib/python3.12/site-packages/pymemcache/client/base.py\", line 363, in _connect\n    sock.connect(sockaddr)\nConnectionRefusedError: [Errno 111] Connection refused\n")},
	// The MariaDB connector's pool frames (Node): its timeout is the pool's.
	{"msg.pool.mariadb_node", "database_connection/pool_exhausted", fromStack("SqlError", "(conn:-1, no: 45028, SQLState: HY000) retrieve connection from pool timeout after 10012ms",
		"SqlError: (conn:-1, no: 45028, SQLState: HY000) retrieve connection from pool timeout after 10012ms\n    at module.exports.createError (/app/node_modules/mariadb/lib/misc/errors.js:66:10)\n"+
			"    at Pool._requestTimeoutHandler (/app/node_modules/mariadb/lib/pool.js:349:26)\n"+nodeAppLine)},
	// Pools decided by their frames: peewee's PooledDatabase, aiopg's Pool.acquire under asyncio's timeout.
	{"origin.pool.timeout", "database_connection/pool_exhausted", fromStack("TimeoutError", "",
		pyTrace("    async with pool.acquire() as conn:\n", "aiopg/pool.py\", line 276, in _acquire\n    await self._cond.wait()\n",
			"", "  File \"/usr/lib/python3.12/asyncio/timeouts.py\", line 115, in __aexit__\n    raise TimeoutError from exc_val\nTimeoutError"))},
	{"origin.file.missing", "configuration_error/missing_config", fromStack("Error", "ENOENT: no such file or directory, open '/app/data/prices.csv'",
		"Error: ENOENT: no such file or directory, open '/app/data/prices.csv'\n    at Object.openSync (node:fs:573:18)\n    at Object.readFileSync (node:fs:452:35)\n"+nodeAppLine)},
})

func pydanticSettings(detail string) string {
	return "Traceback (most recent call last):\n  File \"/srv/app/shop/deps.py\", line 12, in get_settings\n    return Settings()\n" +
		"  File \"/usr/local/lib/python3.12/site-packages/pydantic_settings/main.py\", line 171, in __init__\n    super().__init__(\n" +
		"  File \"/usr/local/lib/python3.12/site-packages/pydantic/main.py\", line 212, in __init__\n    validated_self = self.__pydantic_validator__.validate_python(data, self_instance=self)\n" +
		"pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings\n" + detail + "\n"
}

// javaNumberFormat is Integer.parseInt's NumberFormatException of input,
// raised under the library frames lib, above an application frame.
func javaNumberFormat(input, lib string) diagnosis.Evidence {
	msg := `For input string: "` + input + `"`
	return fromStack("java.lang.NumberFormatException", msg, "java.lang.NumberFormatException: "+msg+"\n"+
		"\tat java.base/java.lang.NumberFormatException.forInputString(NumberFormatException.java:67)\n\tat java.base/java.lang.Integer.parseInt(Integer.java:662)\n"+
		lib+"\tat com.acme.shop.CartService.total(CartService.java:42)")
}

// pyTrace is a Python traceback of an application frame (its source line
// app), one or two frames of a library under site-packages (lib1, lib2: the
// path after it, then the frame's line and source) and the last lines
// (tail).
func pyTrace(app, lib1, lib2, tail string) string {
	s := "Traceback (most recent call last):\n  File \"/srv/app/shop.py\", line 40, in handler\n" + app
	for _, l := range []string{lib1, lib2} {
		if l != "" {
			s += "  File \"/usr/local/lib/python3.12/site-packages/" + l
		}
	}
	return s + tail + "\n"
}

const nodeAppLine = "    at OrderService.place (/srv/app/src/orders.js:31:9)\n"

func TestOrigin(t *testing.T) { runCases(t, originCases) }

// The same words, with and without the library they came from.
func TestOriginContext(t *testing.T) {
	cases := []struct {
		name, typ, msg, stack string
		want, without         string
	}{
		{"a driver's refusal on a free port", "java.net.ConnectException", "Connection refused: /127.0.0.1:40123",
			"java.net.ConnectException: Connection refused: /127.0.0.1:40123\n\tat io.vertx.pgclient.impl.PgSocketConnection.sendStartupMessage(PgSocketConnection.java:95)\n\tat com.acme.shop.CartService.total(CartService.java:42)",
			"database_connection/connection_refused", "dependency_failure/upstream_unreachable"},
		{"an HTTP client's unrecognised exception", "java.io.InterruptedIOException", "canceled",
			"java.io.InterruptedIOException: canceled\n\tat okhttp3.internal.connection.RealCall.timeoutExit(RealCall.kt:398)\n\tat com.acme.shop.CartService.total(CartService.java:42)",
			"dependency_failure/upstream_unreachable", "application_exception/unhandled_exception"},
		{"a ValueError of the application's own code", "ValueError", "invalid literal for int() with base 10: 'abc'",
			"Traceback (most recent call last):\n  File \"/srv/app/shop/cart.py\", line 9, in qty\n    return int(form[\"qty\"])\nValueError: invalid literal for int() with base 10: 'abc'\n",
			"application_exception/invalid_argument", "application_exception/invalid_argument"},
		{"a strconv error of a request parameter", "*strconv.NumError", `strconv.Atoi: parsing "abc": invalid syntax`, "",
			"application_exception/unhandled_exception", "application_exception/unhandled_exception"},
		{"a validator's type check of a request field", "ValidationError", `"quantity" must be a number`, "",
			"application_exception/unhandled_exception", "application_exception/unhandled_exception"},
	}
	for _, c := range cases {
		ev := fromStack(c.typ, c.msg, c.stack)
		m, _ := MatchEvidence(&ev)
		bare := exs(c.typ, c.msg, c.stack)
		mb, _ := MatchEvidence(&bare)
		if got := string(m.Category) + "/" + m.Cause; got != c.want {
			t.Errorf("%s: got %s (%s), want %s", c.name, got, m.Rule, c.want)
		}
		if got := string(mb.Category) + "/" + mb.Cause; got != c.without {
			t.Errorf("%s without its origin: got %s (%s), want %s", c.name, got, mb.Rule, c.without)
		}
	}
}

// A client span that names no protocol or peer is read by its exception's
// origin and words; an HTTP call keeps its client context.
func TestClientSpanOrigin(t *testing.T) {
	npgsql := "System.Net.Sockets.SocketException (111): Connection refused\n   at Npgsql.NpgsqlConnector.Connect(NpgsqlTimeout timeout) in C:\\projects\\npgsql\\src\\Npgsql\\NpgsqlConnector.cs:line 703\n"
	cases := []struct {
		name, typ, msg, stack, peer string
		want                        string
	}{
		{"npgsql's refusal (npgsql/npgsql#2883)", "System.Net.Sockets.SocketException", "Connection refused", npgsql, "", "database_connection/connection_refused"},
		{"the same under an HTTP call's span", "System.Net.Sockets.SocketException", "Connection refused", npgsql, "payments", "database_connection/connection_refused"},
		{"node-postgres's refusal, words only (brianc/node-postgres#2222)", "Error", "connect ECONNREFUSED 127.0.0.1:5432", "", "", "database_connection/connection_refused"},
		{"redis-py's refusal, words only (pinterest/snappass#6)", "ConnectionError", "Error 111 connecting to localhost:6379. Connection refused.", "", "", "database_connection/connection_refused"},
		{"an HTTP call refused", "Error", "connect ECONNREFUSED 127.0.0.1:5432", "", "payments", "dependency_failure/upstream_unreachable"},
		{"an unnamed call with no database in its words", "Error", "connect ECONNREFUSED 10.0.0.7:8080", "", "", "dependency_failure/upstream_unreachable"},
	}
	for _, c := range cases {
		ev := fromStack(c.typ, c.msg, c.stack)
		ev.Kind, ev.Depth, ev.Peer = diagnosis.KindClient, 1, c.peer
		m, _ := MatchEvidence(&ev)
		if got := string(m.Category) + "/" + m.Cause; got != c.want {
			t.Errorf("%s: got %s (%s), want %s", c.name, got, m.Rule, c.want)
		}
	}
}
