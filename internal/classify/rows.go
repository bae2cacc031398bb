package classify

import (
	"regexp"
	"strings"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// Short aliases for the categories, to keep the tables readable.
const (
	catApp   = diagnosis.ApplicationException
	catConn  = diagnosis.DatabaseConnection
	catTime  = diagnosis.DatabaseTimeout
	catQuery = diagnosis.DatabaseQuery
	catDep   = diagnosis.DependencyFailure
	catRes   = diagnosis.ResourceExhaustion
	catConf  = diagnosis.ConfigurationError
	catSec   = diagnosis.Security
)

// outcome is what a table row concludes: a category and a cause.
type outcome struct {
	cat   diagnosis.Category
	cause string
}

func o(cat diagnosis.Category, cause string) outcome { return outcome{cat, cause} }

func (x outcome) set() bool { return x.cat != "" }

// Outcomes used by many rows.
var (
	none = outcome{}

	depUnreachable = o(catDep, "upstream_unreachable")
	depTimeout     = o(catDep, "upstream_timeout")
	dep5xx         = o(catDep, "upstream_5xx")
	depRPC         = o(catDep, "rpc_error")
	depTLS         = o(catDep, "tls_failure")
	depRateLimited = o(catDep, "upstream_rate_limited")
	depBadResponse = o(catDep, "bad_upstream_response")

	connRefused     = o(catConn, "connection_refused")
	connReset       = o(catConn, "connection_reset")
	connAuth        = o(catConn, "authentication_failed")
	connDNS         = o(catConn, "dns_failure")
	connPool        = o(catConn, "pool_exhausted")
	connTooMany     = o(catConn, "too_many_connections")
	connTLS         = o(catConn, "tls_failure")
	connTimeout     = o(catConn, "connect_timeout")
	connUnknownDB   = o(catConn, "unknown_database")
	connUnavailable = o(catConn, "server_unavailable")
	connReadOnly    = o(catConn, "read_only_replica")

	dbStatementTimeout = o(catTime, "statement_timeout")
	dbLockTimeout      = o(catTime, "lock_timeout")
	dbCanceled         = o(catTime, "query_canceled")

	qTable      = o(catQuery, "undefined_table")
	qColumn     = o(catQuery, "undefined_column")
	qFunction   = o(catQuery, "undefined_function")
	qSyntax     = o(catQuery, "syntax_error")
	qConstraint = o(catQuery, "constraint_violation")
	qDeadlock   = o(catQuery, "deadlock")
	qSerialize  = o(catQuery, "serialization_failure")
	qData       = o(catQuery, "data_exception")
	qORM        = o(catQuery, "orm_mapping")
	qNoRows     = o(catQuery, "no_rows")
	qError      = o(catQuery, "query_error")

	resOOM     = o(catRes, "out_of_memory")
	resDisk    = o(catRes, "disk_full")
	resFiles   = o(catRes, "too_many_open_files")
	resThreads = o(catRes, "thread_pool_exhausted")

	confMissing    = o(catConf, "missing_config")
	confInvalid    = o(catConf, "invalid_config")
	confPermission = o(catConf, "permission_denied")
	confSecret     = o(catConf, "missing_secret")

	secInjection = o(catSec, "suspected_injection")
	secAbuse     = o(catSec, "suspected_abuse")

	appNull      = o(catApp, "null_reference")
	appType      = o(catApp, "type_error")
	appIndex     = o(catApp, "index_out_of_range")
	appKey       = o(catApp, "key_error")
	appAssert    = o(catApp, "assertion_failed")
	appArith     = o(catApp, "arithmetic")
	appPanic     = o(catApp, "panic")
	appUnhandled = o(catApp, "unhandled_exception")
	appArgument  = o(catApp, "invalid_argument")
	appState     = o(catApp, "illegal_state")
	appNotImpl   = o(catApp, "not_implemented")
	appStack     = o(catApp, "stack_overflow")
)

// ctxOutcomes picks the outcome of a row for the evidence context.
// out applies everywhere unless db (database context) or client (outgoing
// call context) override it; skip lists contexts where the row never applies.
type ctxOutcomes struct {
	out    outcome
	db     outcome
	client outcome
	skip   ctxMask
}

type ctxMask uint8

const (
	ctxPlain ctxMask = 1 << iota
	ctxDB
	ctxClient
)

func (c *ctxOutcomes) pick(ctx ctxMask) outcome {
	if c.skip&ctx != 0 {
		return none
	}
	switch ctx {
	case ctxDB:
		if c.db.set() {
			return c.db
		}
	case ctxClient:
		if c.client.set() {
			return c.client
		}
	}
	return c.out
}

// patRow is one message pattern: any of the needles (lower case) present in
// one text segment, all of the and-needles present anywhere in the evidence,
// and the optional regular expression matching the segment.
type patRow struct {
	rule string
	any  []string
	and  []string
	re   *regexp.Regexp
	// stack: also look for the needles in the stack trace (last resort).
	stack bool
	// check: an extra condition on the segment the words matched in.
	check func(seg string) bool
	ctxOutcomes
}

// pat builds a pattern row whose outcome is the same in every context.
func pat(rule string, out outcome, needles ...string) patRow {
	return patRow{rule: rule, any: needles, ctxOutcomes: ctxOutcomes{out: out}}
}

// dbPat builds a pattern row that applies only in database context.
func dbPat(rule string, db outcome, needles ...string) patRow {
	return patRow{rule: rule, any: needles, ctxOutcomes: ctxOutcomes{db: db, skip: ctxPlain | ctxClient}}
}

// netPat builds a pattern row with one outcome for calls to other services
// and one for database context.
func netPat(rule string, out, db outcome, needles ...string) patRow {
	return patRow{rule: rule, any: needles, ctxOutcomes: ctxOutcomes{out: out, db: db}}
}

func (r patRow) with(and ...string) patRow { r.and = and; return r }
func (r patRow) regex(expr string) patRow  { r.re = regexp.MustCompile(expr); return r }
func (r patRow) inStack() patRow           { r.stack = true; return r }
func (r patRow) checked(f func(seg string) bool) patRow {
	r.check = f
	return r
}
func (r patRow) notIn(m ctxMask) patRow { r.skip |= m; return r }
func (r patRow) inClient(c outcome) patRow {
	r.client = c
	return r
}

func (r *patRow) matchText(seg, all string) bool {
	hit := false
	for _, n := range r.any {
		if strings.Contains(seg, n) {
			hit = true
			break
		}
	}
	if !hit {
		return false
	}
	for _, n := range r.and {
		if !strings.Contains(all, n) {
			return false
		}
	}
	return (r.re == nil || r.re.MatchString(seg)) && (r.check == nil || r.check(seg))
}

// typeRow is one exception type (or error.type value). names are matched
// case-insensitively: a qualified name ("psycopg2.errors.UndefinedTable",
// "PG::UndefinedTable", "java.net.ConnectException") against the full type or
// a qualified suffix of it, a simple name against the last segment.
type typeRow struct {
	rule  string
	names []string
	// when: the row applies only if one of these lower-case needles occurs in
	// the evidence text (messages, chain, stack).
	when []string
	// check: an extra condition on the prepared evidence.
	check func(p *prepared) bool
	// weak rows describe wrapper types whose message usually says more: they
	// are used only when no message pattern matched.
	weak bool
	ctxOutcomes
}

func typ(rule string, out outcome, names ...string) typeRow {
	return typeRow{rule: rule, names: names, ctxOutcomes: ctxOutcomes{out: out}}
}

func netTyp(rule string, out, db outcome, names ...string) typeRow {
	return typeRow{rule: rule, names: names, ctxOutcomes: ctxOutcomes{out: out, db: db}}
}

func (r typeRow) whenAny(n ...string) typeRow { r.when = n; return r }
func (r typeRow) weakRow() typeRow            { r.weak = true; return r }
func (r typeRow) checked(f func(p *prepared) bool) typeRow {
	r.check = f
	return r
}

// codeRow is one structured code of one database system (or SQLSTATE).
type codeRow struct {
	table string // sqlstate, mysql, mssql, oracle, mongodb, redis, prisma
	code  string // canonical spelling: 42P01, 1146, 208, ORA-00942, 11000, OOM, P2002
	// alias: another spelling found in messages or error.type (MySQL ER_ names,
	// MongoDB codeName); matched case-insensitively.
	alias []string
	// sys restricts a SQLSTATE row to one database family ("mysql", "postgresql").
	sys string
	// when: lower-case needles, one of which must occur in the evidence text.
	when []string
	// tag distinguishes rows of the same code in the rule name.
	tag  string
	rule string // computed at init
	out  outcome
}

func code(table, c string, out outcome) codeRow { return codeRow{table: table, code: c, out: out} }

func (r codeRow) aka(a ...string) codeRow        { r.alias = a; return r }
func (r codeRow) onlyFor(sys string) codeRow     { r.sys = sys; return r }
func (r codeRow) whenText(w, tag string) codeRow { r.when = []string{w}; r.tag = tag; return r }

// orText adds needles any one of which, like whenText's, makes the row apply.
func (r codeRow) orText(w ...string) codeRow { r.when = append(r.when, w...); return r }

func (r typeRow) notIn(m ctxMask) typeRow { r.skip |= m; return r }
