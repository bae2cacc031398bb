// Package diagnosis is the vocabulary shared by the evidence readers, the
// classifier and the processor: categories, causes, evidence summaries and
// the result of a diagnosis. It has no dependency on pdata so that the
// classifier stays pure and table-driven.
package diagnosis

// Category is the value of diagnosis.category (docs/design.md §3).
type Category string

const (
	ApplicationException Category = "application_exception"
	DatabaseConnection   Category = "database_connection"
	DatabaseTimeout      Category = "database_timeout"
	DatabaseQuery        Category = "database_query"
	DependencyFailure    Category = "dependency_failure"
	ResourceExhaustion   Category = "resource_exhaustion"
	ConfigurationError   Category = "configuration_error"
	Security             Category = "security"
	Unknown              Category = "unknown"
)

// Effort of the usual fix.
const (
	EffortEasy   = "easy"
	EffortMedium = "medium"
	EffortHard   = "hard"
)

// CategoryInfo is the troubleshooting guide's knowledge about a category.
type CategoryInfo struct {
	// Likelihood is the guide's prior: high, medium, low; empty for unknown.
	Likelihood string
	Fix        string
	Effort     string
}

// Categories lists every category with its prior and usual fix.
var Categories = map[Category]CategoryInfo{
	ApplicationException: {"high", "Read the stack trace and patch the faulty code path; recycle workers for quick relief.", EffortMedium},
	DatabaseConnection:   {"medium", "Check the connection string, credentials and network reachability of the database; restart the connection pool.", EffortEasy},
	DatabaseTimeout:      {"medium", "Find the slow query, add indexes or optimise it, then re-run load tests.", EffortHard},
	DatabaseQuery:        {"medium", "Fix the query, migration or ORM mapping; retry deadlocked transactions.", EffortMedium},
	DependencyFailure:    {"medium", "Diagnose the named downstream service (its own diagnosis is linked); add timeouts and fallbacks.", EffortMedium},
	ResourceExhaustion:   {"medium", "Scale resources or fix the leak, then re-run load tests.", EffortHard},
	ConfigurationError:   {"low", "Restore or reload the configuration; revert the last configuration change.", EffortEasy},
	Security:             {"low", "Review security logs, patch the input handling and block the source.", EffortMedium},
	Unknown:              {"", "Add error recording/instrumentation so the cause is captured; reproduce in staging.", EffortMedium},
}

// CauseNoEvidence is the cause of an Unknown diagnosis.
const CauseNoEvidence = "no_evidence"

// Strength ranks evidence sources of the same depth (docs/design.md §2.4): structured
// codes beat exception types, which beat message patterns, which beat a bare
// status description. User rules beat everything.
type Strength uint8

const (
	StrengthNone      Strength = iota
	StrengthStatus             // a bare status description, an HTTP status of a client span, a generic exception
	StrengthErrorType          // error.type attribute
	StrengthPattern            // a message pattern
	StrengthType               // an exception type
	StrengthCode               // a structured code: SQLSTATE, MySQL error number, ORA- code, gRPC code
	StrengthUser               // a user rule from the configuration
)

// Kind says what sort of span or record an Evidence was read from.
type Kind uint8

const (
	// KindSpan: a span that is neither a database nor an outgoing call
	// (the target itself, an internal span, a consumer span).
	KindSpan Kind = iota
	// KindDB: a database client span (db.system.name / db.system present).
	KindDB
	// KindClient: an outgoing HTTP or RPC client span.
	KindClient
	// KindConnect: a raw connection attempt (a TCP or socket connect span,
	// network.transport with an address and port) that names no database,
	// HTTP or RPC protocol: what it connected to is told by the spans of
	// the same endpoint.
	KindConnect
)

// Evidence is a small summary of one error-ish span (or exception event or
// exception log record), detached from pdata. Strings are copies bounded by
// the reader (MaxFieldLen) so a cache of Evidence stays small.
type Evidence struct {
	Kind Kind
	// Depth is the distance to the target span: 0 is the target itself.
	Depth int
	// Service is the service.name of the span holding the evidence.
	Service string
	// SpanName is the name of that span.
	SpanName string

	// Exception event or exception log record fields (empty when none).
	ExceptionType    string
	ExceptionMessage string
	// Stacktrace is the head of exception.stacktrace; wrapped causes
	// ("Caused by: ...", "The above exception was the direct cause") live here.
	Stacktrace string
	// Frame is the top in-app frame of the whole exception.stacktrace
	// ("module.function", no line numbers), read before it is cut; "" when
	// none (package stackframe).
	Frame string
	// Origin names the library the exception came from, a row of the
	// origin table (stackframe.Origin: "python.asyncpg_pool"), read from
	// the whole stack trace and the type's namespace; "" when unknown.
	Origin string

	// DBSystem is db.system.name or db.system, lower case (postgresql, mysql,
	// mariadb, mssql, oracle, mongodb, redis, ...).
	DBSystem string
	// DBStatusCode is db.response.status_code (SQLSTATE, error number) if set.
	DBStatusCode string
	// DBQueryText is the head of db.query.text / db.statement: read only to
	// tell a syntax error caused by an injection payload from a plain one.
	DBQueryText string

	// HTTPStatusCode is the response status of an outgoing HTTP call (0 if none).
	HTTPStatusCode int
	// RPCSystem and RPCStatusCode describe an outgoing RPC (grpc: numeric code as text).
	RPCSystem     string
	RPCStatusCode string
	// Peer names the called service or host (peer.service, server.address).
	Peer string
	// Endpoint is the address and port a database, outgoing call or connect
	// span talked to ("127.0.0.1:40123", the port always kept), "" when it
	// names none.
	Endpoint string
	// Dependency names what a database or outgoing call talked to, for the
	// fingerprint: db system, namespace, peer service or address with a
	// stable port, rpc service and method; "" for other spans.
	Dependency string

	// ErrorType is the error.type attribute.
	ErrorType string
	// StatusMessage is the span status description.
	StatusMessage string
	// StatusError is true when the span status is Error.
	StatusError bool

	// UserRule is the user rule whose condition matched this span.
	UserRule UserRule
	// Match is what the user rule or the rule tables decide for this item,
	// decided when it is read; its Strength is StrengthNone when nothing
	// matched.
	Match Match
}

// UserRule identifies a user rule of the configuration by its position:
// 1 is the first rule, NoUserRule none.
type UserRule uint16

// NoUserRule is the UserRule of evidence that no user rule matched.
const NoUserRule UserRule = 0

// Match is what the rule tables decide for one Evidence.
type Match struct {
	Category Category
	Cause    string
	// Rule names the table row that matched, e.g. "postgresql.sqlstate.57014"
	// or "java.exception.NullPointerException"; stable, used in diagnosis.rule.
	Rule     string
	Strength Strength
	// UserRule is the user rule that decided, NoUserRule for a built-in row.
	UserRule UserRule
}

// Result is the diagnosis of one target span.
type Result struct {
	Match
	// Confidence in 0..1: strength of the deciding evidence.
	Confidence float64
	// Evidence is the item that decided, nil for Unknown.
	Evidence *Evidence
	// Conclusive is false when more evidence arriving later could change the
	// result (no evidence, only weak evidence on the target itself).
	Conclusive bool
}
