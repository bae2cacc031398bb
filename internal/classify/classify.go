// Package classify is the pure, table-driven classifier of errordiagnosis
// (docs/design.md §2.4, §3): it decides what one piece of evidence says
// (MatchEvidence) and which evidence decides the diagnosis of a target span
// (Classify, ClassifyMatched).
//
// The tables are Go slices of rows, one row per exception type, structured
// code or message pattern, each with a stable rule name (diagnosis.rule):
//   - codeRows (codes.go): SQLSTATE, MySQL/MariaDB, SQL Server, Oracle,
//     MongoDB, Redis, Prisma and ClickHouse codes;
//   - typeRows (types.go): exception types of Java, Go, Python, .NET,
//     Node.js, Ruby and PHP, drivers and ORMs;
//   - patRows (patterns.go): message patterns;
//   - client.go: gRPC codes, HTTP client statuses, error.type values,
//     gateway statuses and security payloads.
//
// Within one piece of evidence the order is: a structured code; then, for
// each exception of the wrapped chain from the innermost cause outwards, its
// type and then its message; then SQLAlchemy's error codes and wrapper
// types; then the exceptions that were being handled when the chain was
// raised (Python's "During handling of the above exception"); then
// error.type; then the status of an outgoing call; then a generic fallback. The same words mean
// different things in context: on a database span (or when the text names a
// database driver) "connection refused" is database_connection, on any other
// span it is dependency_failure.
package classify

import (
	"regexp"
	"strings"
	"sync"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/memo"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/stackframe"
)

func init() {
	initCodes()
	initTypes()
}

// Generic rule names: a Match whose Rule starts with GenericRulePrefix is a
// fallback (an unrecognised exception type, a bare failed status) and counts
// only when no specific match exists.
const GenericRulePrefix = "generic."

const (
	ruleGenericException = "generic.exception"
	ruleGenericDB        = "generic.db_error"
	ruleGenericClient    = "generic.client_error"
	ruleGenericStatus    = "generic.status"
)

// IsGeneric reports whether m is a generic fallback match.
func IsGeneric(m diagnosis.Match) bool { return strings.HasPrefix(m.Rule, GenericRulePrefix) }

// GatewayMatch maps the target's own 502/503/504 to dependency_failure
// (bad_upstream_response, service_unavailable, upstream_timeout), for use
// when nothing better is known.
func GatewayMatch(status int) (diagnosis.Match, bool) {
	for _, r := range gatewayRows {
		if r.status == status {
			return mk(r.out, r.rule, diagnosis.StrengthStatus), true
		}
	}
	return diagnosis.Match{}, false
}

func mk(out outcome, rule string, s diagnosis.Strength) diagnosis.Match {
	return diagnosis.Match{Category: out.cat, Cause: out.cause, Rule: rule, Strength: s}
}

var prepPool = sync.Pool{New: func() any { return new(prepared) }}

// matchKey is what matching reads of an Evidence, the memo key: equal
// keys match alike whatever the fields matching does not read (depth,
// service, dependency). Compact and of fields, not arrays: hashed
// and compared on every item.
type matchKey struct {
	kind                                        diagnosis.Kind
	statusError                                 bool
	httpStatusCode                              int
	exceptionType, exceptionMessage, stacktrace string
	origin, frame                               string
	dbSystem, dbStatusCode, dbQueryText         string
	rpcSystem, rpcStatus                        string
	errorType, statusMessage, spanName          string
	peer, endpoint                              string
}

// pairs pairs each text of the key with the Evidence field it is read
// from: the one list of them. matchKeyOf writes the same out for the hot
// path; TestMatchKeyPairs holds the two together.
func (k *matchKey) pairs(ev *diagnosis.Evidence) [15][2]*string {
	return [...][2]*string{{&k.exceptionType, &ev.ExceptionType}, {&k.exceptionMessage, &ev.ExceptionMessage},
		{&k.stacktrace, &ev.Stacktrace}, {&k.origin, &ev.Origin}, {&k.frame, &ev.Frame}, {&k.dbSystem, &ev.DBSystem}, {&k.dbStatusCode, &ev.DBStatusCode},
		{&k.dbQueryText, &ev.DBQueryText}, {&k.rpcSystem, &ev.RPCSystem}, {&k.rpcStatus, &ev.RPCStatusCode},
		{&k.errorType, &ev.ErrorType}, {&k.statusMessage, &ev.StatusMessage}, {&k.spanName, &ev.SpanName},
		{&k.peer, &ev.Peer}, {&k.endpoint, &ev.Endpoint}}
}

func matchKeyOf(ev *diagnosis.Evidence) matchKey {
	return matchKey{kind: ev.Kind, statusError: ev.StatusError, httpStatusCode: ev.HTTPStatusCode,
		exceptionType: ev.ExceptionType, exceptionMessage: ev.ExceptionMessage, stacktrace: ev.Stacktrace, origin: ev.Origin, frame: ev.Frame,
		dbSystem: ev.DBSystem, dbStatusCode: ev.DBStatusCode, dbQueryText: ev.DBQueryText, rpcSystem: ev.RPCSystem,
		rpcStatus: ev.RPCStatusCode, errorType: ev.ErrorType, statusMessage: ev.StatusMessage, spanName: ev.SpanName,
		peer: ev.Peer, endpoint: ev.Endpoint}
}

// evidence is the Evidence the key reads.
func (k *matchKey) evidence() diagnosis.Evidence {
	ev := diagnosis.Evidence{Kind: k.kind, StatusError: k.statusError, HTTPStatusCode: k.httpStatusCode}
	for _, p := range k.pairs(&ev) {
		*p[1] = *p[0]
	}
	return ev
}

type matchResult struct {
	m  diagnosis.Match
	ok bool
}

// memoized holds the matches of recently seen evidence: the same failure
// repeats in bursts, and matching it again would cost the table scan again.
// A key's free text may be part of a larger evidence text: the memo keeps
// a copy of its texts of its own.
var memoized = memo.New(12, func(k matchKey) matchResult {
	ev := k.evidence()
	m, ok := matchUncached(&ev)
	return matchResult{m, ok}
}).OwnKeys(func(k matchKey) matchKey {
	var fields [15]*string
	var none diagnosis.Evidence
	for i, p := range k.pairs(&none) {
		fields[i] = p[0]
	}
	diagnosis.OwnTexts(fields[:])
	return k
})

// MatchEvidence decides what one piece of evidence says; ok=false when no
// rule matches (the caller never sees a zero Match with ok=true).
func MatchEvidence(ev *diagnosis.Evidence) (m diagnosis.Match, ok bool) {
	if ev == nil || !hasContent(ev) || isNoise(ev) {
		return diagnosis.Match{}, false
	}
	r := memoized.Get(matchKeyOf(ev))
	return r.m, r.ok
}

func matchUncached(ev *diagnosis.Evidence) (m diagnosis.Match, ok bool) {
	p := prepPool.Get().(*prepared)
	prepare(ev, p)
	m, ok = match(p)
	if ok {
		m = originOverride(p, m)
		m = securityOverride(p, m)
	}
	p.ev = nil
	prepPool.Put(p)
	return m, ok
}

func hasContent(ev *diagnosis.Evidence) bool {
	return ev.ExceptionType != "" || ev.ExceptionMessage != "" || ev.Stacktrace != "" || ev.DBStatusCode != "" ||
		ev.ErrorType != "" || ev.StatusMessage != "" || ev.StatusError || ev.HTTPStatusCode >= 400 ||
		(ev.RPCStatusCode != "" && ev.RPCStatusCode != "0")
}

func match(p *prepared) (diagnosis.Match, bool) {
	ev := p.ev
	// 0. An error its library made up in a database's words (ownErrorRows).
	if r := ownError(p); r != nil {
		return mk(r.out, r.rule, diagnosis.StrengthPattern), true
	}
	// 1. Structured codes: db.response.status_code, an error.type that is a
	// code on a database span, the status of an outgoing RPC, codes inside
	// the messages (innermost first), the status description, the stack.
	if ev.DBStatusCode != "" {
		if r, ok := routeCode(p, ev.DBStatusCode); ok {
			return mk(r.out, r.rule, diagnosis.StrengthCode), true
		}
	}
	if p.db() && ev.ErrorType != "" && !strings.ContainsAny(ev.ErrorType, ".*:") {
		if r, ok := routeCode(p, ev.ErrorType); ok {
			return mk(r.out, r.rule, diagnosis.StrengthCode), true
		}
	}
	// opentelemetry-js records err.code as exception.type when the error has
	// one: node-postgres puts the SQLSTATE there, mysql2 its ER_ name.
	if p.db() && isCodeType(ev.ExceptionType) {
		if r, ok := routeCode(p, ev.ExceptionType); ok {
			return mk(r.out, r.rule, diagnosis.StrengthCode), true
		}
	}
	if ev.RPCStatusCode != "" {
		if rule, out, ok := matchGRPC(ev.RPCStatusCode); ok {
			if p.db() {
				// A database spoken to over gRPC (Spanner, Bigtable...).
				switch out {
				case depTimeout:
					out = dbStatementTimeout
				case depUnreachable:
					out = connUnavailable
				}
			}
			return mk(out, rule, diagnosis.StrengthCode), true
		}
	}
	for i := range p.levels {
		if r, ok := codeInText(p, p.levels[i].msgLower); ok {
			return mk(r.out, r.rule, diagnosis.StrengthCode), true
		}
	}
	if r, ok := codeInText(p, p.statusLower); ok {
		return mk(r.out, r.rule, diagnosis.StrengthCode), true
	}
	if len(p.stackLower) > 0 {
		if r, ok := codeInText(p, p.stackLower); ok {
			return mk(r.out, r.rule, diagnosis.StrengthCode), true
		}
	}

	// 2. The exception chain, innermost cause first: its type, then its message.
	for i := range p.levels {
		l := &p.levels[i]
		if l.typLower != "" {
			if r, out := lookupType(p, l.typLower, p.ctx); r != nil && !r.weak {
				// A type whose words are generic (a bare TimeoutError) yields
				// to a specific message of the same exception: knex's
				// TimeoutError "Timeout acquiring a connection" is the pool's.
				if pr, pout := specificPattern(p, r.rule, out, l.msgLower); pr != nil {
					return mk(pout, pr.rule, diagnosis.StrengthPattern), true
				}
				return mk(out, r.rule, diagnosis.StrengthType), true
			}
		}
		if r, out := matchPatterns(p, l.msgLower, false); r != nil {
			return mk(out, r.rule, diagnosis.StrengthPattern), true
		}
	}
	// The status description: usually the error text itself (Go
	// instrumentations put err.Error() there).
	if r, out := matchPatterns(p, p.statusLower, false); r != nil {
		return mk(out, r.rule, diagnosis.StrengthPattern), true
	}
	// 3. SQLAlchemy's error codes, then wrapper types (weak rows), innermost first.
	if r, ok := sqlalchemyCode(p); ok {
		return mk(r.out, r.rule, diagnosis.StrengthCode), true
	}
	for i := range p.levels {
		if r, out := lookupType(p, p.levels[i].typLower, p.ctx); r != nil {
			return mk(out, r.rule, diagnosis.StrengthType), true
		}
	}
	// 4. The exceptions being handled when the chain was raised: a code, a
	// type, a message.
	for i := range p.context {
		l := &p.context[i]
		if r, ok := codeInText(p, l.msgLower); ok {
			return mk(r.out, r.rule, diagnosis.StrengthCode), true
		}
		if r, out := lookupType(p, l.typLower, p.ctx); r != nil {
			return mk(out, r.rule, diagnosis.StrengthType), true
		}
		if r, out := matchPatterns(p, l.msgLower, false); r != nil {
			return mk(out, r.rule, diagnosis.StrengthPattern), true
		}
	}
	// Last-resort patterns in the stack trace (panics).
	if r, out := matchPatterns(p, p.stackLower, true); r != nil {
		return mk(out, r.rule, diagnosis.StrengthPattern), true
	}

	// 5. error.type: an exception type, a well-known value, a phrase.
	if ev.ErrorType != "" {
		et := strings.ToLower(strings.TrimSpace(ev.ErrorType))
		if r, out := lookupType(p, et, p.ctx); r != nil {
			return mk(out, r.rule, diagnosis.StrengthErrorType), true
		}
		for i := range errorTypeRows {
			r := &errorTypeRows[i]
			if r.value == et {
				if out := r.pick(p.ctx); out.set() {
					return mk(out, r.rule, diagnosis.StrengthErrorType), true
				}
			}
		}
		if p.ctx == ctxClient && allDigits(et) && len(et) == 3 {
			if rule, out, ok := matchHTTPClient(atoi3(et)); ok {
				return mk(out, rule, diagnosis.StrengthErrorType), true
			}
		}
		if r, out := matchPatterns(p, strings.ReplaceAll(et, "_", " "), false); r != nil {
			return mk(out, r.rule, diagnosis.StrengthErrorType), true
		}
	}

	// 6. The status of an outgoing HTTP call.
	if p.ctx == ctxClient && ev.HTTPStatusCode > 0 {
		if rule, out, ok := matchHTTPClient(ev.HTTPStatusCode); ok {
			return mk(out, rule, diagnosis.StrengthStatus), true
		}
	}

	// 7. Generic fallbacks.
	generic := func(rule string) (diagnosis.Match, bool) {
		switch {
		case p.db():
			return mk(qError, ruleGenericDB, diagnosis.StrengthStatus), true
		case p.ctx == ctxClient:
			out := depUnreachable
			if ev.RPCSystem != "" {
				out = depRPC
			}
			return mk(out, ruleGenericClient, diagnosis.StrengthStatus), true
		}
		return mk(appUnhandled, rule, diagnosis.StrengthStatus), true
	}
	if ev.ExceptionType != "" || ev.ExceptionMessage != "" || ev.Stacktrace != "" {
		return generic(ruleGenericException)
	}
	if ev.StatusError || ev.StatusMessage != "" || ev.ErrorType != "" || ev.DBStatusCode != "" {
		return generic(ruleGenericStatus)
	}
	return diagnosis.Match{}, false
}

// specificPattern is the message pattern that decides instead of the type
// row rule when that row's words are generic and the pattern's, which say
// something else (typeOut), are not.
func specificPattern(p *prepared, rule string, typeOut outcome, msg string) (*patRow, outcome) {
	if _, generic := genericRules[rule]; !generic {
		return nil, none
	}
	r, out := matchPatterns(p, msg, false)
	if r == nil {
		return nil, none
	}
	if _, generic := genericRules[r.rule]; generic || out == typeOut {
		return nil, none
	}
	return r, out
}

// isCodeType reports whether an exception type is a database code: a
// SQLSTATE (five characters, a digit first), a MySQL ER_ name, an ORA- code.
func isCodeType(t string) bool {
	switch {
	case len(t) == 5 && t[0] >= '0' && t[0] <= '9':
		for i := 1; i < 5; i++ {
			if c := t[i]; (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
				return false
			}
		}
		return true
	case strings.HasPrefix(t, "ER_"), strings.HasPrefix(t, "ORA-"):
		return true
	}
	return false
}

func atoi3(s string) int { return int(s[0]-'0')*100 + int(s[1]-'0')*10 + int(s[2]-'0') }

// matchPatterns runs the pattern table on one lower-cased segment.
func matchPatterns(p *prepared, seg string, stackOnly bool) (*patRow, outcome) {
	if seg == "" {
		return nil, none
	}
	for i := range patRows {
		r := &patRows[i]
		if stackOnly && !r.stack {
			continue
		}
		out := r.pick(p.ctx)
		if !out.set() {
			continue
		}
		if r.matchText(seg, p.all) {
			return r, out
		}
	}
	return nil, none
}

// securityOverride turns a query error carrying an injection payload, or a
// file/application error carrying a path traversal, into security.
func securityOverride(p *prepared, m diagnosis.Match) diagnosis.Match {
	sqlish := m.Category == catQuery && (m.Cause == qSyntax.cause || m.Cause == qData.cause || m.Cause == qColumn.cause)
	pathish := m.Category == catConf || m.Category == catApp
	if !sqlish && !pathish {
		return m
	}
	text := p.all
	if pathish {
		text = messageText(p)
	} else if q := p.ev.DBQueryText; q != "" {
		// The statement that failed to parse shows the payload even when the
		// driver's message does not (PostgreSQL: syntax error at or near "OR").
		text = text + "\n" + strings.ToLower(q)
	}
	for _, r := range securityRows {
		if r.sql != sqlish {
			continue
		}
		hit := r.check != nil && r.check(text)
		if !hit {
			hit = containsAny(text, r.any)
		}
		if hit {
			return mk(secInjection, r.rule, m.Strength)
		}
	}
	return m
}

// Confidence by the strength of the deciding evidence:
//
//	user rule       1.00
//	structured code 0.95
//	exception type  0.85
//	message pattern 0.75
//	error.type      0.60
//	status          0.50
//	generic fallback: an unrecognised exception 0.40, a bare status 0.30.
func Confidence(m diagnosis.Match) float64 {
	if IsGeneric(m) {
		if m.Rule == ruleGenericException {
			return 0.40
		}
		return 0.30
	}
	switch m.Strength {
	case diagnosis.StrengthUser:
		return 1.0
	case diagnosis.StrengthCode:
		return 0.95
	case diagnosis.StrengthType:
		return 0.85
	case diagnosis.StrengthPattern:
		return 0.75
	case diagnosis.StrengthErrorType:
		return 0.60
	case diagnosis.StrengthStatus:
		return 0.50
	}
	return 0
}

// Classify decides the diagnosis of a target span from all evidence
// attributed to it (Depth already set: 0 = target itself, 1 = child, ...).
// items may be empty.
func Classify(items []diagnosis.Evidence) diagnosis.Result {
	return ClassifyMatched(items, nil)
}

type candidate struct {
	idx int
	m   diagnosis.Match
}

// driverWrapper returns the driver's error carried by an ORM's wrapper
// exception as it was raised: SQLAlchemy's "(psycopg2.OperationalError)
// connection to server ... failed" (the text after the parenthesis),
// Django's django.db.utils.* (the message itself).
func driverWrapper(ev *diagnosis.Evidence) (string, bool) {
	if _, rest, ok := parenType(ev.ExceptionMessage); ok {
		return rest, true
	}
	if strings.HasPrefix(ev.ExceptionType, "django.db.utils.") {
		return ev.ExceptionMessage, true
	}
	return "", false
}

func anyDriverWrapper(items []diagnosis.Evidence) bool {
	for i := range items {
		if _, ok := driverWrapper(&items[i]); ok {
			return true
		}
	}
	return false
}

// superseded reports whether the failed database call items[i] is one the
// pool recovered from: a span nearer the target, in the same service,
// recorded an ORM wrapper carrying the driver error that reached the
// request, and that error is not this one. SQLAlchemy's pool_pre_ping is
// the usual case: the ping on a connection the server closed fails, the pool
// reconnects, and the reconnect's error (database stopped: connection
// refused) is what the request got.
func superseded(items []diagnosis.Evidence, i int) bool {
	f := &items[i]
	if f.Depth == 0 || f.Kind != diagnosis.KindDB {
		return false
	}
	msg := f.ExceptionMessage
	if raised, ok := driverWrapper(f); ok {
		msg = raised
	}
	if j := strings.IndexByte(msg, '\n'); j >= 0 {
		msg = msg[:j]
	}
	msg = strings.TrimSpace(msg)
	if len(msg) < 8 {
		return false
	}
	for j := range items {
		u := &items[j]
		if u.Depth >= f.Depth || u.Service != f.Service {
			continue
		}
		if raised, ok := driverWrapper(u); ok && !strings.Contains(raised, msg) {
			return true
		}
	}
	return false
}

// ClassifyMatched is Classify with pre-decided matches: pre[i], when its
// Strength is non-zero, is used instead of MatchEvidence(&items[i]) (the
// processor puts the matches of its user rules there, of StrengthUser).
// pre may be shorter than items or nil.
//
// Decision (docs/design.md §2.4):
//   - user-rule matches (StrengthUser) win over everything; among them the
//     rule listed first in the configuration (lowest Evidence.UserRule, 0
//     counting as last), then the deepest item, then the richer, then the
//     first item;
//   - otherwise among specific matches the deepest item wins, then the
//     higher Strength, then the richer (richness), then the first item;
//   - generic matches count only when no specific match exists (same order);
//   - a failed database call whose error is not the driver error an ORM
//     wrapper nearer the target carries was recovered from (superseded);
//   - a pool's borrow timeout yields to a connect failure of the same
//     service (connectFailure);
//   - a database call's driver.ErrBadConn yields to another failed
//     database call of the same service (badConn);
//   - a call's reset yields to a client's timeout raised nearer the target
//     in the same service (resetRules);
//   - nothing usable: unknown / no_evidence, confidence 0, not conclusive.
//
// Conclusive: a specific (or user) match with Strength >= StrengthPattern
// whose category is not dependency_failure (the processor decides those,
// since it needs the downstream service's own diagnosis).
func ClassifyMatched(items []diagnosis.Evidence, pre []diagnosis.Match) diagnosis.Result {
	var user, spec, gen, conn, tmo, stmt candidate
	user.idx, spec.idx, gen.idx, conn.idx, tmo.idx, stmt.idx = -1, -1, -1, -1, -1, -1
	wrapped := anyDriverWrapper(items)
	for i := range items {
		if wrapped && superseded(items, i) {
			continue
		}
		var m diagnosis.Match
		var ok bool
		if i < len(pre) && pre[i].Strength != diagnosis.StrengthNone {
			m, ok = pre[i], true
		} else {
			m, ok = MatchEvidence(&items[i])
		}
		if !ok {
			continue
		}
		c := candidate{i, m}
		switch {
		case m.Strength == diagnosis.StrengthUser:
			if user.idx < 0 || betterUser(items, c, user) {
				user = c
			}
		case IsGeneric(m):
			if gen.idx < 0 || better(items, c, gen) {
				gen = c
			}
		default:
			if spec.idx < 0 || better(items, c, spec) {
				spec = c
			}
			if connectFailure(m) && (conn.idx < 0 || better(items, c, conn)) {
				conn = c
			}
			if m.Category == depTimeout.cat && m.Cause == depTimeout.cause && (tmo.idx < 0 || better(items, c, tmo)) {
				tmo = c
			}
			if items[i].Kind == diagnosis.KindDB && !badConn(&items[i]) && (stmt.idx < 0 || better(items, c, stmt)) {
				stmt = c
			}
		}
	}
	best := user
	if best.idx < 0 {
		best = spec
	}
	if best.idx < 0 {
		best = gen
	}
	if best.idx < 0 {
		return diagnosis.Result{Match: diagnosis.Match{Category: diagnosis.Unknown, Cause: diagnosis.CauseNoEvidence}}
	}
	if m, ok := databaseEndpoint(items, best); ok {
		best.m = m
	}
	if best.m.Strength != diagnosis.StrengthUser && best.m.Category == connPool.cat && best.m.Cause == connPool.cause &&
		conn.idx >= 0 && items[conn.idx].Service == items[best.idx].Service {
		best = conn
	}
	if best.m.Strength != diagnosis.StrengthUser && badConn(&items[best.idx]) && stmt.idx >= 0 && items[stmt.idx].Service == items[best.idx].Service {
		best = stmt
	}
	if resetRules[best.m.Rule] && tmo.idx >= 0 && items[tmo.idx].Service == items[best.idx].Service && items[tmo.idx].Depth < items[best.idx].Depth {
		best = tmo
	}
	r := diagnosis.Result{Match: best.m, Confidence: Confidence(best.m), Evidence: &items[best.idx]}
	r.Conclusive = !IsGeneric(best.m) && best.m.Strength >= diagnosis.StrengthPattern && best.m.Category != diagnosis.DependencyFailure
	return r
}

// resetRules are a call's reset connection. A client that gives up on a
// call at its own timeout destroys the request, and the call's span then
// records a reset, not the timeout (@hapi/wreck lib/index.js: its timer
// finishes with Boom.gatewayTimeout('Client request timeout') and aborts the
// request, which Node's http reports as 'socket hang up' ECONNRESET): when
// the code nearer the target in the same service raised the client's
// timeout, that timeout is the cause (ClassifyMatched). Clients that fail
// the request with their timeout (got's TimeoutError, axios' ECONNABORTED,
// undici's HeadersTimeoutError) name it on the call itself. They are the
// tables' rows of an unreachable peer that a database reads as a reset,
// wrapper types aside (a weak row's message says more).
var resetRules = func() map[string]bool {
	rules := map[string]bool{}
	add := func(rule string, o ctxOutcomes) {
		if o.out == depUnreachable && o.db == connReset {
			rules[rule] = true
		}
	}
	for _, r := range patRows {
		add(r.rule, r.ctxOutcomes)
	}
	for _, r := range typeRows {
		if !r.weak {
			add(r.rule, r.ctxOutcomes)
		}
	}
	for _, r := range errorTypeRows {
		add(r.rule, r.ctxOutcomes)
	}
	return rules
}()

// badConn reports whether a database call failed with database/sql's
// driver.ErrBadConn ("driver: bad connection", database/sql/driver/driver.go):
// the driver marked its connection unusable, which a failed statement of
// the same service explains when there is one (pgdriver closes a connection
// whose statement was cancelled, and bun's RunInTx then rolls back on it),
// and which database/sql retries on a fresh connection otherwise.
func badConn(ev *diagnosis.Evidence) bool {
	const errBadConn = "driver: bad connection"
	return ev.Kind == diagnosis.KindDB && (ev.ExceptionMessage == errBadConn || (ev.ExceptionMessage == "" && ev.StatusMessage == errBadConn))
}

// connectFailure reports whether m is a connection the database would not
// open: what keeps a pool from lending when it cannot grow. A pool times out
// alike when it is full and when its connects fail (psycopg_pool and sqlx
// retry them in the background until the borrow's timeout); when the trace
// or its logs of the same service hold the connect's own error, that error
// is the cause, and a pool that is merely full shows none and stays
// pool_exhausted (ClassifyMatched).
func connectFailure(m diagnosis.Match) bool {
	if m.Category != catConn {
		return false
	}
	switch m.Cause {
	case connRefused.cause, connAuth.cause, connDNS.cause, connTLS.cause, connTimeout.cause, connUnknownDB.cause,
		connUnavailable.cause, connTooMany.cause:
		return true
	}
	return false
}

// databaseEndpoint reads a raw connection attempt that decided as a call
// to another service again as a database's, when a database span of the
// trace talked to the same endpoint (address and port), or when an
// exception nearer the target that a database driver, pool or cache client
// raised carries that connection's failure (its words, the endpoint, or a
// connection failure of its own in the same service):
// many drivers trace only their queries or their own connect, and the
// socket's refusal is then the deepest evidence. The port number is not the
// evidence; the database span or client of the same endpoint is.
func databaseEndpoint(items []diagnosis.Evidence, best candidate) (diagnosis.Match, bool) {
	c := &items[best.idx]
	if c.Kind != diagnosis.KindConnect || c.Endpoint == "" || best.m.Category != diagnosis.DependencyFailure || best.m.Strength == diagnosis.StrengthUser {
		return diagnosis.Match{}, false
	}
	for i := range items {
		system, ok := endpointSystem(&items[i], c)
		if !ok {
			continue
		}
		ev := *c
		ev.Kind, ev.DBSystem = diagnosis.KindDB, system
		if m, ok := MatchEvidence(&ev); ok && !IsGeneric(m) {
			return m, true
		}
	}
	return diagnosis.Match{}, false
}

// endpointSystem reports whether u shows that the connect attempt c was a
// database's, and that database's system when known.
func endpointSystem(u, c *diagnosis.Evidence) (string, bool) {
	if u.Kind == diagnosis.KindDB {
		return u.DBSystem, u.Endpoint == c.Endpoint
	}
	lib := stackframe.LibraryNamed(u.Origin)
	if lib == nil || u.Depth > c.Depth || (lib.Kind != stackframe.KindDriver && lib.Kind != stackframe.KindPool && lib.Kind != stackframe.KindCache) {
		return "", false
	}
	if Echoes(u, c) || strings.Contains(u.ExceptionMessage, c.Endpoint) || strings.Contains(u.Stacktrace, c.Endpoint) {
		return lib.System, true
	}
	// The client's own words for a connection it could not keep, in the
	// connect's service (ioredis' "Connection is closed." after its socket's
	// refusal): the raw connect, which names no protocol, was its.
	if u.Service != c.Service || reEndpoint.MatchString(u.ExceptionMessage) {
		return "", false // another service's, or another endpoint's
	}
	m, ok := MatchEvidence(u)
	return lib.System, ok && m.Category == diagnosis.DatabaseConnection
}

// reEndpoint is an address with its port in a message.
var reEndpoint = regexp.MustCompile(`(?:\d{1,3}\.){3}\d{1,3}:\d+|\[[0-9a-fA-F:]+\]:\d+|(?i:localhost):\d+`)

// better: deeper first, then stronger, then richer; ties keep the earlier
// item.
func better(items []diagnosis.Evidence, c, cur candidate) bool {
	dc, dk := items[c.idx].Depth, items[cur.idx].Depth
	if dc != dk {
		return dc > dk
	}
	if c.m.Strength != cur.m.Strength {
		return c.m.Strength > cur.m.Strength
	}
	return richness(&items[c.idx]) > richness(&items[cur.idx])
}

func betterUser(items []diagnosis.Evidence, c, cur candidate) bool {
	rc, rk := userOrder(items[c.idx].UserRule), userOrder(items[cur.idx].UserRule)
	if rc != rk {
		return rc < rk
	}
	if dc, dk := items[c.idx].Depth, items[cur.idx].Depth; dc != dk {
		return dc > dk
	}
	return richness(&items[c.idx]) > richness(&items[cur.idx])
}

// richness ranks what an item tells the reader, for a tie between equally
// deep and equally strong items (sibling spans of one failure, such as a
// driver's span and its ORM's): an exception with type and message, then an
// exception with one of them, then a status description or error.type only,
// then nothing.
func richness(ev *diagnosis.Evidence) int {
	switch {
	case ev.ExceptionType != "" && ev.ExceptionMessage != "":
		return 3
	case ev.ExceptionType != "" || ev.ExceptionMessage != "":
		return 2
	case ev.StatusMessage != "" || ev.ErrorType != "":
		return 1
	}
	return 0
}

func userOrder(r diagnosis.UserRule) int {
	if r == diagnosis.NoUserRule {
		return int(^uint(0) >> 1)
	}
	return int(r)
}

// noiseMessages are errors that instrumentations record although nothing
// failed: they are no evidence of anything.
var noiseMessages = []string{
	// database/sql's driver.ErrSkip: go-sql-driver/mysql asks database/sql to
	// take the slow path; otelsql records it on healthy sql.conn.exec spans.
	"driver: skip fast-path; continue as if unimplemented",
}

func isNoise(ev *diagnosis.Evidence) bool {
	msg := ev.ExceptionMessage
	if msg == "" {
		msg = ev.StatusMessage
	}
	for _, n := range noiseMessages {
		if msg == n && ev.DBStatusCode == "" {
			return true
		}
	}
	return false
}
