package classify

import (
	"regexp"
	"slices"
	"strings"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/stackframe"
)

// Origin over words (docs/design.md §2.4): which library raised a failure
// says what failed when its words do not. A database driver, pool or cache
// client reads the words in database context, an HTTP or RPC client as a
// call to another service (originContext); and a match whose words are
// generic (a bare TimeoutError, ValueError, KeyError, NullPointerException,
// an unrecognised exception) is decided by the origin (originRows).

// originContext is the context the words of an exception are read in, given
// the library it came from. A database span keeps its own; a client span
// whose exception a database driver, pool or cache client raised was a call
// of the database (a driver traced by a generic client instrumentation, or
// by none, under a span of the application's own).
func originContext(lib *stackframe.Library, ev *diagnosis.Evidence, ctx ctxMask) ctxMask {
	if lib == nil || ev.DBSystem != "" || (ev.Kind != diagnosis.KindSpan && ev.Kind != diagnosis.KindClient) {
		return ctx
	}
	switch lib.Kind {
	case stackframe.KindDriver, stackframe.KindPool, stackframe.KindCache:
		return ctxDB
	case stackframe.KindHTTP, stackframe.KindRPC:
		return ctxClient
	}
	return ctx
}

// unnamedCall reports whether a client span names no protocol and no peer:
// no HTTP status, no rpc.system, no server address or endpoint. Its words
// then say what was called, as on a plain span (a database's words there
// are the database's); an HTTP or RPC call keeps its client context.
func unnamedCall(ev *diagnosis.Evidence) bool {
	return ev.Kind == diagnosis.KindClient && ev.HTTPStatusCode == 0 && ev.RPCSystem == "" && ev.Peer == "" && ev.Endpoint == ""
}

// wordClass groups the outcomes of generic words by what they say.
type wordClass uint8

const (
	wordsTimeout    wordClass = iota + 1 // a timeout or deadline, nothing more
	wordsConversion                      // a value that does not convert or is of the wrong type
	wordsMissing                         // a key, attribute or value that is not there
	wordsGeneric                         // an exception no row recognises
	wordsPanic                           // a panic: the code gave up, its message may say why
)

// genericRules are the rows whose words say only how something failed,
// not what: the origin decides what. Every other rule is specific and
// stays.
var genericRules = map[string]wordClass{
	"lang.TimeoutError":             wordsTimeout,
	"java.SocketTimeoutException":   wordsTimeout,
	"go.context.DeadlineExceeded":   wordsTimeout,
	"dotnet.TaskCanceledException":  wordsTimeout,
	"db.StatementTimeout":           wordsTimeout, // SQLTimeoutException: a driver's statement, or a pool's borrow
	"msg.timeout.http":              wordsTimeout,
	"msg.context_deadline":          wordsTimeout,
	"msg.timeout.tokio":             wordsTimeout,
	"msg.timeout.statement.generic": wordsTimeout,
	"lang.InvalidArgument":          wordsConversion,
	"lang.TypeError":                wordsConversion,
	"java.ClassCastException":       wordsConversion,
	// PHP's TypeError words, and a schema's type check: convict's validate
	// (src/main.js) asserts `must be of type ${Format.name}` on a setting.
	"msg.type.php": wordsConversion,
	// Python's TypeError words, as a settings model's validator reports them.
	"msg.type.python":                wordsConversion,
	"lang.KeyError":                  wordsMissing,
	"java.NoSuchElementException":    wordsMissing,
	"dotnet.KeyNotFoundException":    wordsMissing,
	"java.NullPointerException":      wordsMissing,
	"dotnet.NullReferenceException":  wordsMissing,
	"python.AttributeError":          wordsMissing,
	"python.AttributeError.NoneType": wordsMissing,
	"python.TypeError.NoneType":      wordsMissing,
	// V8's read of a property of undefined: a value absent where configuration code reads it (config/docker.js
	// splitting an unset process.env list).
	"js.TypeError.undefined": wordsMissing,
	"msg.key":                wordsMissing,
	"lang.IllegalState":      wordsGeneric,
	"jdbc.SQLNonTransientConnectionException": wordsGeneric,
	// A Go panic's stack says only that the code gave up: a configuration source's (gojek goconfig's checkKey) or
	// the application's own panic that names a missing setting is the missing setting.
	"msg.panic.go":       wordsPanic,
	ruleGenericException: wordsGeneric,
	ruleGenericDB:        wordsGeneric,
	ruleGenericClient:    wordsGeneric,
	// A plain span's status description alone: Go handlers' errors (otelecho's echo.error, otelgin's gin.errors).
	ruleGenericStatus: wordsGeneric,
}

// originRow decides generic words of one class from a library of one kind.
type originRow struct {
	rule    string
	kind    stackframe.Kind
	classes []wordClass
	// when: the row applies only when the message says so (lower case);
	// named: ... or when the message is this (a name alone).
	when  []string
	named *regexp.Regexp
	out   outcome
}

// missingWords are what a message says of something that is not there.
// A Go or Rust parse error of "" read an unset variable (os.Getenv returns "").
// commons-text's StringSubstitutor says "Cannot resolve variable" of a
// placeholder nothing defines (Dropwizard's EnvironmentVariableSubstitutor
// rethrows it), and Bean Validation "must not be null" of a setting a
// configuration object lacks (Dropwizard's ConfigurationValidationException).
var missingWords = []string{"not 'nonetype'", `parsing ""`, "cannot parse integer from empty string", "not found", "missing", "required", "not set", "no such", "does not exist", "not defined", "undefined", "could not find", "no configuration setting", "could not be found", "enoent",
	"cannot resolve variable", "must not be null"}

// templateMissingWords are missingWords and web.py's: its render raises
// AttributeError "No template named %s" (web/template.py Render._load_template).
var templateMissingWords = append(slices.Clip(missingWords), "no template named ")

// originRows: the first row of the library's kind whose class and words
// hold decides. A pool that times out or says nothing recognisable ran out
// of connections to lend (a refused or reset connection keeps its specific
// rule); a configuration source that fails to convert a value holds an
// invalid one, one that lacks a key a missing one.
var originRows = []originRow{
	{rule: "origin.pool.timeout", kind: stackframe.KindPool, classes: []wordClass{wordsTimeout, wordsMissing, wordsGeneric}, out: connPool},
	{rule: "origin.config.missing", kind: stackframe.KindConfig, classes: []wordClass{wordsMissing}, out: confMissing},
	// spring-beans TypeMismatchException "Failed to convert value of type 'java.lang.String' to required type 'int'"
	// (TypeConverterSupport.convertIfNecessary of an @Value), tornado.options' "Option 'x' is required to be a int
	// (str given)": "required" there is the target type's, a conversion. Spring 4.x brackets the types
	// ("[java.lang.String] to required type [int]").
	{rule: "origin.config.invalid", kind: stackframe.KindConfig, classes: []wordClass{wordsGeneric, wordsConversion}, when: []string{"to required type '", "to required type [", "is required to be a "}, out: confInvalid},
	{rule: "origin.config.missing", kind: stackframe.KindConfig, classes: []wordClass{wordsGeneric, wordsConversion, wordsPanic}, when: missingWords, out: confMissing},
	// convict's type check of a null value: validate() appends ": value was <JSON>" to a setting's failed
	// format check whenever the value is truthy (src/main.js fillErrorBuffer), and of the falsy values only
	// null (a `default: null` setting left unset) fails a String, Number or Boolean constructor's check.
	{rule: "origin.config.unset", kind: stackframe.KindConfig, classes: []wordClass{wordsConversion}, named: reUnsetTypeCheck, out: confMissing},
	{rule: "origin.config.invalid", kind: stackframe.KindConfig, classes: []wordClass{wordsConversion, wordsGeneric}, out: confInvalid},
	// An HTTP client's error whose words are only a 5xx reason phrase (superagent's http.STATUS_CODES[status],
	// Micronaut's HttpClientResponseException): the peer answered 5xx.
	{rule: "origin.http.reason_5xx", kind: stackframe.KindHTTP, classes: []wordClass{wordsGeneric}, named: reReason5xx, out: dep5xx},
	{rule: "origin.template.missing", kind: stackframe.KindTemplate, classes: []wordClass{wordsMissing, wordsGeneric}, when: templateMissingWords, out: confMissing},
	// jinja2's TemplateNotFound says the template's name and nothing else (jinja2/exceptions.py: message = name).
	{rule: "origin.template.name", kind: stackframe.KindTemplate, classes: []wordClass{wordsGeneric}, named: reTemplateName, out: confMissing},
	{rule: "origin.file.missing", kind: stackframe.KindFile, classes: []wordClass{wordsMissing, wordsGeneric}, when: []string{"no such file", "enoent", "not found", "could not find", "does not exist"}, out: confMissing},
}

// ownErrorRow is an error a library makes up itself in a database's words,
// for something the database never saw: it is read by the library that
// raised it (origin) before any code its words carry.
type ownErrorRow struct {
	rule, origin string
	// prefix is the lower-case start of the error's message.
	prefix string
	out    outcome
}

var ownErrorRows = []ownErrorRow{
	// postgres.js (src/index.js cancel): a query no connection has taken yet, queued while every connection is busy
	// (handler: queries.push) or while its connection opens, is taken off the queue and rejected with
	// Errors.generic('57014', 'canceling statement due to user request'), whose message is "57014: " and the words
	// (src/errors.js generic); the server's own cancellation is a PostgresError with the words alone
	// (src/connection.js ErrorResponse). The query was waiting for a connection.
	{rule: "origin.postgres_js.queued_cancel", origin: "node.postgres_js", prefix: "57014: canceling statement due to user request", out: connPool},
}

// ownError is the row of an error its library made up, nil when none.
func ownError(p *prepared) *ownErrorRow {
	if p.origin == nil {
		return nil
	}
	for i := range ownErrorRows {
		r := &ownErrorRows[i]
		if r.origin != p.origin.Name {
			continue
		}
		for j := range p.levels {
			if strings.HasPrefix(p.levels[j].msgLower, r.prefix) {
				return r
			}
		}
	}
	return nil
}

// originOverride decides a match of generic words by the library the
// failure came from, or by a configuration source its message names.
func originOverride(p *prepared, m diagnosis.Match) diagnosis.Match {
	class, generic := genericRules[m.Rule]
	if !generic || m.Strength == diagnosis.StrengthUser {
		return m
	}
	if class == wordsConversion && reCallSignature.MatchString(p.ev.ExceptionMessage) {
		// The code called the library wrongly: its words (a keyword named missing) say nothing of a value.
		return m
	}
	kind := stackframe.Kind("")
	switch {
	case p.origin != nil:
		kind = p.origin.Kind
	case configMessage(p):
		// The parse error of a configured value, whatever words come with it.
		kind, class = stackframe.KindConfig, wordsConversion
	case missingSetting(p):
		// The application's own check of a setting it was not given.
		kind, class = stackframe.KindConfig, wordsMissing
	case reSettingsModel.MatchString(p.ev.ExceptionMessage):
		// A settings model's validation, whatever its fields are named: the words decide missing or invalid.
		kind = stackframe.KindConfig
	case class != wordsGeneric && reConfigFrame.MatchString(p.ev.Frame):
		// No library's frame: the application's own configuration code converted or looked up the value.
		kind = stackframe.KindConfig
	}
	if kind == "" {
		return m
	}
	msg := messageText(p)
	for i := range originRows {
		r := &originRows[i]
		if r.kind != kind || !hasClass(r.classes, class) || (len(r.when) > 0 && !containsAny(msg, r.when)) ||
			(r.named != nil && !r.named.MatchString(strings.TrimSpace(p.ev.ExceptionMessage))) {
			continue
		}
		return mk(r.out, r.rule, max(m.Strength, diagnosis.StrengthPattern))
	}
	return m
}

func hasClass(cs []wordClass, c wordClass) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// reCallSignature is CPython's TypeError of a call that does not bind to the
// callee's parameters (Python/ceval.c, Python/getargs.c): an unexpected or
// doubled keyword, a missing required argument, too many positionals.
var reCallSignature = regexp.MustCompile(`\(\) (?:got an unexpected keyword argument|got multiple values for (?:keyword )?argument|missing \d+ required (?:positional|keyword-only) arguments?|takes (?:from \d+ to )?\d+ positional arguments? but \d+ (?:were|was) given)`)

// reReason5xx is the reason phrase of a 500, 502 or 503 alone (net/http StatusText, Node's http.STATUS_CODES).
var reReason5xx = regexp.MustCompile(`(?i)^(?:internal server error|bad gateway|service unavailable)$`)

// reConfigFrame is the application's top frame (stackframe.Top) in its own
// configuration code: a module or file named config/settings/env
// (shop/settings.page_size, src/config.get, config/index.load), a class named
// for it (com.acme.shop.AppConfig.pageSize, Shop.ShopProperties.Load; not
// *Settings, which names a user's settings as often), a Go package config or
// a *Config method (config.Load, main.(*Config).PageSize).
var reConfigFrame = regexp.MustCompile(`(?i:(?:^|/)(?:config|configuration|settings|conf|env|environment)(?:/|\.))|` +
	`[.$]\w*(?:Config|Configuration|Properties)\.[\w$<>]+$|\(\*?\w*Config\)\.`)

// reUnsetTypeCheck is convict's failed constructor check of one setting
// with no value after it.
var reUnsetTypeCheck = regexp.MustCompile(`^[\w.$-]+: must be of type (?:String|Number|Boolean)$`)

// reTemplateName is a template file's name alone, as a template engine's
// not-found error gives it.
var reTemplateName = regexp.MustCompile(`^[\w./-]+\.(?:html?|j2|jinja2?|tmpl|tpl|twig|erb|hbs|handlebars|mustache|ejs|pug|jade|ftlh?|vm|cshtml|liquid|txt|xml)$`)

// Go and Rust report a failed conversion without a stack trace: strconv's
// and time's parse errors, Rust's core::num and core::str parse errors,
// wrapped by the code that read the value. When the wrapping names an
// environment variable (PORT, POOL_SIZE) or says env, config or setting,
// the value came from the configuration.
var (
	// A schema validator's type check says the same of the value (joi lib/types/number.js number.base:
	// '{{#label}} must be a number', checked by Joi.attempt on process.env).
	reParseError = regexp.MustCompile(`strconv\.\w+: parsing |time: invalid duration |invalid (?:boolean|port|duration|integer|number)|must be an? (?:valid )?(?:number|integer|boolean)\b|` +
		"invalid digit found in string|cannot parse integer from empty string|number too (?:large|small) to fit in target type|invalid float literal|provided string was not `true` or `false`|" +
		// humantime's parse_duration (src/duration.rs Error's Display), as Rust services read a timeout setting.
		`unknown time unit "|time unit needed, for example `)
	// The wrapping may be the reading function's camel-case name (OpenIM's "configGetEnv failed,err:...",
	// openimsdk/open-im-server#2043; getEnv, loadConfig); not "...Settings", which a request's update names too.
	reConfigNamed = regexp.MustCompile(`\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|(?i:\b(?:env|environment|config|configuration|setting|settings|variable)\b)|` +
		`\b(?:env|config)[A-Z]\w*|\b[a-z]\w*(?:Env|Config)\b`)
	// sethvargo/go-envconfig's decode error of a field: `%s(%q): %w`, its
	// name and the variable's value (envconfig.go processWith).
	reFieldValue = regexp.MustCompile(`\b[A-Z]\w*\("[^"]*"\): $`)
	// Its v1.4 form is the field's name alone, `%s: %w` of tf.Name (nested
	// structs add theirs): exported Go identifiers before Go's own strconv or
	// time parse error, where a wrap of the application's is lower case (Go
	// error strings are not capitalised) and a logger's "Error: " is no field.
	reFieldPath = regexp.MustCompile(`^(?:[A-Z][A-Za-z0-9]*: )+(?:strconv\.|time: )`)
	logPrefix   = regexp.MustCompile(`^(?:Error|Panic|Fatal|Warning|Caused by): `)
	// An upper-case word alone names a variable too (PORT, TIMEOUT), unless
	// it is one of the acronyms code names its inputs by.
	reUpperWord = regexp.MustCompile(`\b[A-Z]{3,}\b`)
	acronyms    = map[string]bool{"HTTP": true, "HTTPS": true, "JSON": true, "XML": true, "URL": true, "URI": true, "GET": true, "POST": true, "PUT": true,
		"PATCH": true, "DELETE": true, "SQL": true, "API": true, "UUID": true, "CSV": true, "YAML": true, "EOF": true, "TCP": true, "UDP": true, "GRPC": true}
)

// reSchemaIssue is a zod issue and the first element of its path: ZodError's
// message is JSON.stringify(this.issues, ..., 2) (zod src/ZodError.ts),
// each issue {code, expected, received, path, message}; schemas parse
// process.env as often as request bodies, and only an environment
// variable's name in the path says which.
var reSchemaIssue = regexp.MustCompile(`"code": "[a-z_]+",[^{}]{0,300}?"path": \[\s*"([A-Z][A-Za-z0-9_]*)"`)

// envName reports whether a name reads as an environment variable's:
// upper case with an underscore (PAGE_SIZE), or an upper-case word that is
// no acronym (PORT).
func envName(s string) bool {
	if strings.ToUpper(s) != s {
		return false
	}
	return strings.Contains(s, "_") || (len(s) >= 3 && !acronyms[s])
}

// reSchemaVariable is another schema validator's issue and the name it is
// on: yup's ValidationError begins with the path (locale.js mixed.required
// "${path} is a required field", notType "${path} must be a `${type}`
// type"); Joi's with the label in quotes ('"PAYMENTS_URL" is required',
// any.required); ajv's errorsText, as env-schema throws it, with the
// instance path (`env/PAGE_SIZE must be integer`) or "must have required
// property 'PAYMENTS_URL'"; valibot's of an object key that is absent
// ('Invalid key: Expected "PAYMENTS_URL" but received undefined', the
// ValiError's message being its first issue's). Valibot's other issues
// ("Invalid digits: Received ...") do not name the key.
var reSchemaVariable = regexp.MustCompile("^([A-Z][A-Z0-9_]*) (?:is a required field|must be a `)|" +
	`^"([A-Z][A-Z0-9_]*)" (?:is required|must be)|must have required property '([A-Z][A-Z0-9_]*)'|^\w*/([A-Z][A-Z0-9_]*) must |` +
	`^Invalid key: Expected "([A-Z][A-Z0-9_]*)" but received undefined`)

// reSchemaLocation is pydantic's: the ValidationError's text is "N
// validation error(s) for Model", then each error's location on a line of
// its own and its message indented under it (pydantic-core
// src/errors/validation_exception.rs, pydantic v1 error_wrappers.py
// display_errors); a BaseSettings model's location is the variable.
var reSchemaLocation = regexp.MustCompile(`validation errors? for \w+\n([A-Z][A-Z0-9_]*)\n  `)

// reSchemaMessages is marshmallow's ValidationError of a schema's load: its
// text is the repr of the messages dict, field name to a list of messages
// (marshmallow/exceptions.py ValidationError.__init__ passes the dict to
// Exception; schema.py _do_load raises it), as a schema loading os.environ
// names the variables.
var reSchemaMessages = regexp.MustCompile(`^\{'([A-Z][A-Za-z0-9_]*)': \[`)

// reSchemaPath is voluptuous's Invalid with its path: "%s @ data[%s]", the
// keys' reprs joined by "][" (voluptuous/error.py Invalid.__str__), as a
// Schema called on os.environ names the variable ("required key not
// provided @ data['PAYMENTS_URL']", Coerce's "expected int @ data[...]").
var reSchemaPath = regexp.MustCompile(` @ data\['([A-Z][A-Za-z0-9_]*)'\]`)

// reDecodeKey is mapstructure's decode error of one key, as koanf's and
// viper's Unmarshal return it: go-viper/mapstructure v2 errors.go DecodeError
// "'%s' %s" of a ParseError ("cannot parse value as '%s'") or an
// UnconvertibleTypeError ("expected type '%s', got unconvertible type"),
// mitchellh/mapstructure's "'%s' expected type" and "cannot parse '%s' as".
var reDecodeKey = regexp.MustCompile(`'([A-Za-z][\w.]*)' (?:cannot parse value as '|expected type ')|cannot parse '([A-Za-z][\w.]*)' as `)

// schemaOnVariable reports whether s is a schema validator's or a decoder's
// issue on an environment variable's name.
func schemaOnVariable(s string) bool {
	for _, re := range [...]*regexp.Regexp{reDecodeKey, reSchemaIssue, reSchemaLocation, reSchemaVariable, reSchemaMessages, reSchemaPath} {
		if namesVariable(re, s, 1) {
			return true
		}
	}
	return false
}

// namesVariable reports whether one of the first n matches of re in s has a
// group that reads as an environment variable's name (envName).
func namesVariable(re *regexp.Regexp, s string, n int) bool {
	for _, m := range re.FindAllStringSubmatch(s, n) {
		for _, name := range m[1:] {
			if name != "" && envName(name) {
				return true
			}
		}
	}
	return false
}

// failedToLoadConfig is Microsoft.Extensions.Configuration's wrapper of a
// configuration file its provider could not parse (dotnet/runtime
// src/libraries/Microsoft.Extensions.Configuration.FileExtensions
// FileConfigurationProvider.Load: InvalidDataException of
// SR.Error_FailedToLoad "Failed to load configuration from file '{0}'."),
// the parser's FormatException inside.
const failedToLoadConfig = "Failed to load configuration from file '"

// configMessage reports whether a message reads as a conversion of a value
// taken from the configuration: the text before the parse error names it,
// or a schema's issue names an environment variable.
func configMessage(p *prepared) bool {
	if strings.HasPrefix(p.ev.ExceptionMessage, failedToLoadConfig) {
		return true
	}
	// A Python traceback ends with str(exc), which a log bridge's exception.message may not carry (loguru's is the
	// args' repr).
	for _, s := range [...]string{p.ev.ExceptionMessage, p.ev.StatusMessage, lastLine(p.ev.Stacktrace)} {
		if schemaOnVariable(s) {
			return true
		}
		loc := reParseError.FindStringIndex(s)
		if loc == nil || loc[0] == 0 {
			continue
		}
		head := s[:loc[0]]
		if reConfigNamed.MatchString(head) || reFieldValue.MatchString(head) || (reFieldPath.MatchString(s) && !logPrefix.MatchString(s)) {
			return true
		}
		for _, w := range reUpperWord.FindAllString(head, 4) {
			if !acronyms[w] {
				return true
			}
		}
	}
	return false
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	s = strings.TrimRight(s, "\r\n ")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// reMissingSetting is a message that names a setting and says it is not
// there: the check an application makes of its configuration before use
// ("PAYMENTS_URL is not configured", "Missing setting PAYMENTS_URL"), in
// any language. The name is matched in its own case (missingSetting): an
// upper-case name with an underscore, or one upper-case word that is no
// acronym, names an environment variable or setting, where a request's
// field ("user_id is required") or a code's value does not.
var reMissingSetting = regexp.MustCompile(`(?:^|: )(?:(?i:the|a) )?(?:(?i:setting|config(?:uration)?(?: key| value| property| option)?|property|option|env(?:ironment)?(?: variable)?|variable) )?` +
	`["'\x60]?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)["'\x60]? (?:(?i:setting|variable|property|option|value|key) )?` +
	`(?i:is not configured|is not set|is unset|is not defined|is undefined|is missing|is required|is empty|must be set|must be configured|must be provided|must be defined|must not be empty|has not been set|has not been configured|was not set|was not provided)` +
	`(?:$|[.;:,!(]|\s+(?i:in|for) (?:the )?(?i:env|environment|config|configuration|settings)\b)` +
	`|(?i:missing|required|undefined|unset)(?: (?i:required))? (?i:setting|config(?:uration)?(?: key| value| property| option)?|property|option)s?:? ["'\x60]?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)["'\x60]?(?:$|[.;:,!( ])` +
	// A loader's key with the variable bound to it in parentheses (viper's BindEnv("payments_url", "PAYMENTS_URL")).
	`|(?:^|: )[a-z][\w.-]* \(([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)\) (?i:is required|is not set|is unset|is missing|is empty|must be set)(?:$|[.;:,!(])`)

// reSettingsModel is the header of pydantic's ValidationError (v1 error_wrappers.py, v2 pydantic-core: "%d
// validation error(s) for <Model>") of a model named as configuration, *Settings or *Config: pydantic-settings'
// BaseSettings subclasses are named so (its docs' Settings), a request's models are not. Its field lines say what
// failed ("field required (type=value_error.missing)", "Field required [type=missing", "Input should be a valid integer").
var reSettingsModel = regexp.MustCompile(`^\d+ validation errors? for \w*(?:Settings|Config)\b`)

// missingSetting reports whether the evidence's message names a setting
// that is missing (reMissingSetting).
func missingSetting(p *prepared) bool {
	return namesVariable(reMissingSetting, p.ev.ExceptionMessage, 4) || namesVariable(reMissingSetting, p.ev.StatusMessage, 4)
}
