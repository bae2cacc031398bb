package evidence // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"

import (
	"net/http"
	"strconv"
	"strings"
	"unique"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/stackframe"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/textutil"
)

// Attribute and event names read, from the OpenTelemetry semantic conventions
// (current names first, then the older ones still emitted by many SDKs).
const (
	eventException          = "exception"
	attrExceptionType       = "exception.type"
	attrExceptionMessage    = "exception.message"
	attrExceptionStacktrace = "exception.stacktrace"
	attrDBSystemName        = "db.system.name"
	attrDBSystem            = "db.system"
	attrDBResponseStatus    = "db.response.status_code"
	attrDBQueryText         = "db.query.text"
	attrDBStatement         = "db.statement"
	attrErrorType           = "error.type"
	attrRPCSystem           = "rpc.system"
	attrRPCGRPCStatusCode   = "rpc.grpc.status_code"
	attrRPCResponseStatus   = "rpc.response.status_code"
	attrPeerService         = "peer.service"
	attrServerAddress       = "server.address"
	attrNetPeerName         = "net.peer.name"
	attrServiceName         = "service.name"
	attrDBNamespace         = "db.namespace"
	attrDBName              = "db.name"
	attrServerPort          = "server.port"
	attrLogError            = "error" // a Go logger's error field (ReadLogRecord)
	attrLogErr              = "err"   // log/slog's own examples' spelling of it
	attrLogStack            = "stack" // winston's flattened err.stack (ReadLogRecord)
	attrLogPanic            = "panic" // a recoverer's panic value (ReadLogRecord)
	attrCodeStacktrace      = "code.stacktrace"
	attrNetPeerPort         = "net.peer.port"
	attrRPCService          = "rpc.service"
	attrRPCMethod           = "rpc.method"
	attrNetworkTransport    = "network.transport"
	attrNetTransport        = "net.transport"
	attrNetworkPeerAddress  = "network.peer.address"
	attrNetworkPeerPort     = "network.peer.port"
	// The error of a handler, as otelecho (contrib
	// instrumentation/github.com/labstack/echo/otelecho: "echo.error",
	// err.Error()) and otelgin ("gin.errors", c.Errors.String()) record it
	// on the server span instead of an exception event.
	attrEchoError = "echo.error"
	attrGinErrors = "gin.errors"
)

// Size bounds of the strings kept in an Evidence, in bytes: summaries live in
// a cache, so a 1 MB exception message must not.
const (
	maxShortField   = 256
	maxMessage      = 1024
	maxQueryText    = 512
	maxStacktrace   = 2048
	stacktraceHead  = 512
	maxCauseLines   = 16
	maxEventsPerRec = 8
)

// ServiceName returns the service.name of a resource ("" when absent).
func ServiceName(res pcommon.Resource) string {
	if v, ok := res.Attributes().Get(attrServiceName); ok && v.Type() == pcommon.ValueTypeStr {
		return name(v.Str())
	}
	return ""
}

// Names says what ReadSpan returns for the short fields that repeat across
// spans (span names, exception types, database systems, status codes,
// peers, dependencies).
type Names bool

const (
	// Interned: their canonical copies (see name), for summaries kept past
	// the batch.
	Interned Names = false
	// Borrowed: the span's own strings (a copy when cut), for summaries that
	// live no longer than the batch: interning would only cost.
	Borrowed Names = true
)

// of returns a short field as names says.
func (names Names) of(s string) string {
	if names == Borrowed {
		return clip(s, maxShortField)
	}
	return name(s)
}

// lower returns a short field in lower case, as names says.
func (names Names) lower(s string) string {
	return names.of(strings.ToLower(textutil.CutAtRune(s, maxShortField)))
}

// ReadSpan summarises an error-ish span: one Evidence per exception event
// (at most maxEventsPerRec), each carrying the span's own context, or a
// single Evidence for the span itself when it has no exception event.
// Depth is left 0; the caller sets it relative to a target.
func ReadSpan(service string, span ptrace.Span, dst []diagnosis.Evidence, names Names) []diagnosis.Evidence {
	base := diagnosis.Evidence{
		Service:       service,
		SpanName:      names.of(span.Name()),
		StatusMessage: clip(span.Status().Message(), maxMessage),
		StatusError:   span.Status().Code() == ptrace.StatusCodeError,
	}
	var httpStatus int
	var dep dependency
	var handlerError string
	span.Attributes().Range(func(k string, v pcommon.Value) bool {
		switch k {
		case attrDBNamespace:
			dep.namespace = str(v)
		case attrDBName:
			if dep.namespace == "" {
				dep.namespace = str(v)
			}
		case attrServerPort:
			dep.port = str(v)
		case attrNetPeerPort:
			// On a server span (older conventions) this is the client's
			// ephemeral port, not a dependency's.
			if dep.port == "" && span.Kind() != ptrace.SpanKindServer {
				dep.port = str(v)
			}
		case attrRPCService:
			dep.rpcService = str(v)
		case attrRPCMethod:
			dep.rpcMethod = str(v)
		case attrDBSystemName:
			base.DBSystem = names.lower(str(v))
		case attrDBSystem:
			if base.DBSystem == "" {
				base.DBSystem = names.lower(str(v))
			}
		case attrDBResponseStatus:
			base.DBStatusCode = names.of(str(v))
		case attrDBQueryText, attrDBStatement:
			if base.DBQueryText == "" && base.StatusError {
				base.DBQueryText = clip(str(v), maxQueryText)
			}
		case attrErrorType:
			base.ErrorType = names.of(str(v))
		case attrRPCSystem:
			base.RPCSystem = names.lower(str(v))
		case attrRPCGRPCStatusCode, attrRPCResponseStatus:
			base.RPCStatusCode = names.of(str(v))
		case attrPeerService:
			base.Peer = names.of(str(v))
			dep.peerService = str(v)
		case attrServerAddress, attrNetPeerName:
			if base.Peer == "" {
				base.Peer = names.of(str(v))
			}
			if dep.address == "" || k == attrServerAddress {
				dep.address = str(v)
			}
		case attrHTTPResponseStatusCode:
			httpStatus = statusValue(v)
		case attrHTTPStatusCode:
			if httpStatus == 0 {
				httpStatus = statusValue(v)
			}
		case attrNetworkTransport, attrNetTransport:
			dep.transport = true
		case attrHTTPMethod, attrHTTPMethodOld:
			dep.protocol = true
		case attrNetworkPeerAddress:
			dep.peerAddress = str(v)
		case attrNetworkPeerPort:
			dep.peerPort = str(v)
		case attrEchoError, attrGinErrors:
			handlerError = str(v)
		}
		if strings.HasPrefix(k, "db.") {
			dep.database = true
		} else if strings.HasPrefix(k, "messaging.") {
			dep.messaging = true
		}
		return true
	})
	if base.StatusMessage == "" && handlerError != "" {
		base.StatusMessage = clip(handlerError, maxMessage)
	}
	if httpStatus >= 500 && span.Kind() != ptrace.SpanKindClient && span.Kind() != ptrace.SpanKindProducer {
		restateResponse(&base, httpStatus)
	}
	base.Origin = names.of(stackframe.SpanOrigin(span.Name()))
	switch {
	case base.DBSystem != "" || dep.systemless(base.RPCSystem, span.Kind()):
		base.Kind = diagnosis.KindDB
	case dep.connect(base.RPCSystem, span.Kind(), span.Name()):
		base.Kind = diagnosis.KindConnect
	case span.Kind() == ptrace.SpanKindClient || span.Kind() == ptrace.SpanKindProducer:
		base.Kind = diagnosis.KindClient
		base.HTTPStatusCode = httpStatus
	default:
		base.Kind = diagnosis.KindSpan
	}
	switch base.Kind {
	case diagnosis.KindConnect:
		// Seen only as a raw connection, a dependency is its address with
		// its port: several on one host are several dependencies.
		base.Endpoint = names.of(dep.endpoint())
		base.Dependency = base.Endpoint
	case diagnosis.KindDB, diagnosis.KindClient:
		base.Endpoint = names.of(dep.endpoint())
		base.Dependency = dep.key(base.DBSystem, names)
	}

	n := 0
	events := span.Events()
	for i := 0; i < events.Len() && n < maxEventsPerRec; i++ {
		ev := events.At(i)
		errorLog := false
		if ev.Name() != eventException {
			if errorLog = tracingError(ev.Attributes()); !errorLog {
				continue
			}
		}
		item := base
		readException(ev.Attributes(), &item, names)
		if errorLog && item.ExceptionMessage == "" {
			// An error event with no error field: its name is its message
			// (tower-http's CatchPanicLayer: "Service panicked: ...").
			item.ExceptionMessage = clip(ev.Name(), maxMessage)
		}
		dst = append(dst, item)
		n++
	}
	if n == 0 {
		dst = append(dst, base)
	}
	return dst
}

// ReadLogRecord summarises a log record that carries an exception
// (exception.type or exception.message), the way the semantic conventions
// now prefer to record exceptions. ok is false for other records.
//
// Go's structured loggers put an error under the key "error" instead: zap's
// zap.Error (field.go: NamedError("error", err)), logrus's WithError
// (entry.go: ErrorKey = "error"), and the contrib otelslog bridge of the
// SDK 1.35 line (v0.10.0: an error value becomes a string attribute), or
// under "err", as log/slog's package examples write it (slog.Error("oops",
// "err", err)); an ERROR (or more severe) record with such a string is read
// as an exception with that message. A recoverer logs the value it recovered under "panic"
// (zap.Any("panic", recover()), the usual spelling), with the stack in the
// semantic conventions' code.stacktrace when the bridge adds it (otelzap
// does for records at or above its stack level): read alike.
func ReadLogRecord(service string, lr plog.LogRecord) (diagnosis.Evidence, bool) {
	attrs := lr.Attributes()
	_, hasType := attrs.Get(attrExceptionType)
	_, hasMsg := attrs.Get(attrExceptionMessage)
	if !hasType && !hasMsg {
		if lr.SeverityNumber() < plog.SeverityNumberError {
			return diagnosis.Evidence{}, false
		}
		for _, k := range [...]string{attrLogError, attrLogErr} {
			if msg := strAttr(attrs, k); msg != "" {
				return diagnosis.Evidence{Kind: diagnosis.KindSpan, Service: service, ExceptionMessage: clip(msg, maxMessage)}, true
			}
		}
		if msg := strAttr(attrs, attrLogPanic); msg != "" {
			item := diagnosis.Evidence{Kind: diagnosis.KindSpan, Service: service, ExceptionMessage: clip(msg, maxMessage)}
			if st := strAttr(attrs, attrCodeStacktrace); st != "" {
				item.Stacktrace = compactStacktrace(st)
				item.Frame = name(stackframe.Top(st))
			}
			return item, true
		}
		return diagnosis.Evidence{}, false
	}
	item := diagnosis.Evidence{Kind: diagnosis.KindSpan, Service: service}
	readException(attrs, &item, Interned)
	if item.Stacktrace == "" {
		readFlatStack(attrs, &item)
	}
	if item.ExceptionMessage == "" && lr.Body().Type() == pcommon.ValueTypeStr {
		item.ExceptionMessage = clip(lr.Body().Str(), maxMessage)
	}
	if v, ok := attrs.Get(attrErrorType); ok {
		item.ErrorType = name(str(v))
	}
	if item.Origin == "" {
		item.Origin = propertyOrigin(attrs)
	}
	return item, true
}

// propertyOrigin names the library an exception of a log record came from
// by a property of its own error that the logger kept as an attribute
// (winston-transport copies the error's enumerable properties: mysql2's
// fatal=true beside a socket error whose stack has no frame), "" when none.
func propertyOrigin(attrs pcommon.Map) string {
	for _, k := range stackframe.ErrorProperties() {
		if v, ok := attrs.Get(k); ok && v.Type() == pcommon.ValueTypeBool && v.Bool() {
			return Interned.of(stackframe.PropertyOrigin(k))
		}
	}
	return ""
}

// readFlatStack reads a JavaScript stack left under "stack" beside the
// exception: @opentelemetry/winston-transport (utils.ts getExceptionPayload)
// takes the exception from an "err" or "error" key first, so a record of
// logger.error(msg, {error: err.name, stack: err.stack}) keeps the stack as a
// plain attribute, the frames that say which library failed.
func readFlatStack(attrs pcommon.Map, item *diagnosis.Evidence) {
	st := strAttr(attrs, attrLogStack)
	if !strings.Contains(st, "\n    at ") {
		return
	}
	item.Stacktrace = compactStacktrace(st)
	item.Frame = Interned.of(stackframe.Top(st))
	if o := stackframe.Origin(st, item.ExceptionType); o != "" {
		item.Origin = Interned.of(o)
	}
}

func readException(attrs pcommon.Map, item *diagnosis.Evidence, names Names) {
	var st string
	var chain pcommon.Slice
	hasChain := false
	attrs.Range(func(k string, v pcommon.Value) bool {
		switch k {
		case attrExceptionType:
			item.ExceptionType = names.of(str(v))
		case attrExceptionMessage:
			item.ExceptionMessage = clip(str(v), maxMessage)
		case attrExceptionStacktrace:
			if v.Type() == pcommon.ValueTypeSlice {
				chain, hasChain = v.Slice(), true
				return true
			}
			st = str(v)
			item.Stacktrace = compactStacktrace(st)
			item.Frame = names.of(stackframe.Top(st))
		}
		return true
	})
	if hasChain {
		item.ExceptionMessage = withSourceChain(item.ExceptionMessage, chain)
	}
	if st != "" || item.ExceptionType != "" {
		// Read from the whole stack trace, before it was cut.
		if o := stackframe.Origin(st, item.ExceptionType); o != "" {
			item.Origin = names.of(o)
		}
	}
}

// tracing-opentelemetry (tokio-rs/tracing-opentelemetry src/layer.rs) turns
// a Rust tracing event into a span event named after its message, with the
// event's level, and an error field into exception.message and, as an array
// of the error's source chain, exception.stacktrace: an error event is
// evidence like an exception event.
func tracingError(attrs pcommon.Map) bool {
	if _, ok := attrs.Get(attrExceptionMessage); ok {
		return true
	}
	v, ok := attrs.Get(attrLevel)
	return ok && v.Type() == pcommon.ValueTypeStr && v.Str() == "ERROR"
}

// attrLevel is the level tracing-opentelemetry puts on an event.
const attrLevel = "level"

// withSourceChain appends the causes of an error's source chain to its
// message, outermost first, as anyhow's "{:#}" prints them ("a: b: c"),
// leaving out those the message already carries.
func withSourceChain(msg string, chain pcommon.Slice) string {
	var b strings.Builder
	b.WriteString(msg)
	for i := 0; i < chain.Len() && b.Len() < maxMessage; i++ {
		cause := str(chain.At(i))
		if cause == "" || strings.Contains(msg, cause) {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(cause)
	}
	return clip(b.String(), maxMessage)
}

// compactStacktrace keeps the head of a stack trace plus the lines that name
// wrapped causes (Java "Caused by:", .NET " ---> ", Python exception lines of
// a chain), which may sit far below the head.
func compactStacktrace(s string) string {
	if len(s) <= maxStacktrace {
		return clip(s, maxStacktrace)
	}
	var b strings.Builder
	b.Grow(maxStacktrace)
	head := textutil.CutAtRune(s, stacktraceHead) // copied by the builder
	b.WriteString(head)
	rest := s[len(head):]
	// A Python traceback ends with str(exc), whatever its type is named.
	python := strings.HasPrefix(s, "Traceback (most recent call last):")
	lines := 0
	for rest != "" && lines < maxCauseLines && b.Len() < maxStacktrace {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		if isCauseLine(line) || (python && strings.TrimSpace(rest) == "" && isPythonExceptionLine(line)) {
			b.WriteByte('\n')
			b.WriteString(textutil.CutAtRune(strings.TrimSpace(line), maxStacktrace-b.Len()))
			lines++
		}
	}
	return b.String()
}

func isCauseLine(line string) bool {
	t := strings.TrimSpace(line)
	if strings.HasPrefix(t, "Caused by:") || strings.Contains(t, " ---> ") {
		return true
	}
	// Python chain: "psycopg2.OperationalError: ..." at column 0, not a frame.
	if name, ok := exceptionName(line); ok {
		return strings.HasSuffix(name, "Error") || strings.HasSuffix(name, "Exception") || strings.HasSuffix(name, "Timeout")
	}
	return false
}

// isPythonExceptionLine: the last line of a traceback is str(exc), whatever the type is named.
func isPythonExceptionLine(line string) bool {
	_, ok := exceptionName(line)
	return ok
}

// exceptionName is the type of a Python exception line, "dotted.Name: ..."
// at column 0 (not a frame), and whether line is one.
func exceptionName(line string) (string, bool) {
	t := strings.TrimSpace(line)
	if t != line || t == "" || strings.HasPrefix(t, "File ") || strings.HasPrefix(t, "Traceback") {
		return "", false
	}
	if i := strings.IndexByte(t, ':'); i > 0 && !strings.ContainsAny(t[:i], " /\\") {
		return t[:i], true
	}
	return "", false
}

// str renders a value as text: strings as is, ints in decimal.
func str(v pcommon.Value) string {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return v.Str()
	case pcommon.ValueTypeInt:
		return strconv.FormatInt(v.Int(), 10)
	case pcommon.ValueTypeDouble, pcommon.ValueTypeBool:
		return v.AsString()
	}
	return ""
}

// name returns a short field that repeats across spans (a service, span,
// exception type, database system, status code or peer) as its canonical
// copy, shared by every summary that carries it: the cache keeps one string
// per distinct value, not one per span, and the garbage collector has that
// much less to mark. unique copies a string the first time it sees it, so
// nothing of the batch is kept.
func name(s string) string {
	if s == "" {
		return ""
	}
	return unique.Make(textutil.CutAtRune(s, maxShortField)).Value()
}

// clip returns at most n bytes of s, cut at a rune boundary; a copy when cut,
// so that a short head never keeps a long text alive. The cache copies what
// it keeps (tracecache.detach).
func clip(s string, n int) string {
	if c := textutil.CutAtRune(s, n); len(c) < len(s) {
		return strings.Clone(c)
	}
	return s
}

// WithoutOwnStatus removes from the items of a server span what only
// restates its HTTP response: the Error status a 5xx sets, and an error.type
// that is the status code ("500") or "_OTHER". What remains is evidence of a
// cause: exceptions, a status description, a real error type. Items left
// with nothing are dropped.
func WithoutOwnStatus(items []diagnosis.Evidence) []diagnosis.Evidence {
	out := items[:0]
	for _, it := range items {
		if isStatusOnly(it.ErrorType) {
			it.ErrorType = ""
		}
		if it.ExceptionType == "" && it.ExceptionMessage == "" && it.StatusMessage == "" && it.ErrorType == "" {
			continue
		}
		out = append(out, it)
	}
	return out
}

// OwnStatusOnly reports whether all a span carries is its response status:
// no event, no status description, no handler error and no error.type
// beyond the status code. WithoutOwnStatus then cuts every item ReadSpan
// reads of it, so for a server span or a target the read can be skipped: in
// an outage, half the targets are such spans. One attribute scan of three
// names.
func OwnStatusOnly(span ptrace.Span) bool {
	if span.Events().Len() > 0 || span.Status().Message() != "" {
		return false
	}
	only := true
	span.Attributes().Range(func(k string, v pcommon.Value) bool {
		switch k {
		case attrErrorType:
			only = isStatusOnly(str(v)) || str(v) == ""
		case attrEchoError, attrGinErrors:
			only = str(v) == ""
		}
		return only
	})
	return only
}

func isStatusOnly(errorType string) bool {
	if errorType == "_OTHER" {
		return true
	}
	if len(errorType) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if errorType[i] < '0' || errorType[i] > '9' {
			return false
		}
	}
	return true
}

// dependency holds the attributes that name what a call talked to, as read
// (views of the span's strings); key renders them only for the spans that
// need it.
type dependency struct {
	namespace, address, port, peerService, rpcService, rpcMethod string
	peerAddress, peerPort                                        string
	// transport: network.transport (or net.transport) is set; protocol:
	// an HTTP method is; database, messaging: an attribute of the db.* or
	// messaging.* namespace is.
	transport, protocol, database, messaging bool
}

// systemless reports whether a client span is a database call that names
// no database system: attributes of the db.* namespace and no HTTP method,
// rpc.system or messaging.* attribute. The Java agent's vertx-sql-client
// instrumentation records db.name, db.statement, db.operation and db.user
// but no db.system under the default (old) conventions
// (opentelemetry-java-instrumentation instrumentation/vertx/vertx-sql-client
// VertxSqlClientAttributesGetter.getDbSystem: "db.system was never set for
// vertx sql client"; only the stable opt-in's db.system.name is, since
// 2.31.0); luna-duclos/instrumentedsql tags its spans
// db.statement and db.instance, its system as db.type (tags.go).
func (d dependency) systemless(rpcSystem string, kind ptrace.SpanKind) bool {
	return d.database && kind == ptrace.SpanKindClient && !d.protocol && !d.messaging && rpcSystem == ""
}

// connect reports whether the span is a raw connection attempt: a
// transport and an endpoint, no protocol (instrumentation-net's
// tcp.connect, .NET's "socket connect").
func (d dependency) connect(rpcSystem string, kind ptrace.SpanKind, spanName string) bool {
	return (d.transport || spanName == spanNettyConnect || spanName == spanNettyResolve) && !d.protocol && rpcSystem == "" && kind != ptrace.SpanKindServer && kind != ptrace.SpanKindConsumer &&
		d.endpoint() != ""
}

// spanNettyConnect and spanNettyResolve are the Java agent's netty
// connection spans (netty-common NettyConnectionRequest.connect and
// .resolve, with connection telemetry on): a socket connect, and the name
// lookup before it, with server.address and port but no network.transport.
const (
	spanNettyConnect = "CONNECT"
	spanNettyResolve = "RESOLVE"
)

// endpoint is address:port, from server.address/port or the peer's
// network address, "" without both.
func (d dependency) endpoint() string {
	addr, port := d.address, d.port
	if addr == "" || port == "" {
		addr, port = d.peerAddress, d.peerPort
	}
	if addr == "" || port == "" {
		return ""
	}
	return strings.ToLower(textutil.CutAtRune(addr, 64)) + ":" + textutil.CutAtRune(port, 8)
}

// key is the dependency key of a database or client span: db system,
// namespace, peer.service or server.address with its port, rpc service and
// method, joined by spaces. A client span's port is the server's, whatever
// its number: two databases on one host at high ports (a test bed's, a
// second instance's) are two dependencies. peer.service is the name a user
// gave the dependency, which spans instances and their ports.
func (d dependency) key(dbSystem string, names Names) string {
	var b strings.Builder
	add := func(s string) {
		if s == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ToLower(textutil.CutAtRune(s, 64)))
	}
	add(dbSystem)
	add(d.namespace)
	if d.peerService != "" {
		add(d.peerService)
	} else if d.address != "" {
		addr := d.address
		if d.port != "" {
			addr += ":" + textutil.CutAtRune(d.port, 8)
		}
		add(addr)
	}
	if d.rpcService != "" {
		add(d.rpcService + "/" + d.rpcMethod)
	}
	return names.of(b.String())
}

// Attributes that name the operation of a call, for OperationKey.
const (
	attrDBOperationName  = "db.operation.name"
	attrDBOperation      = "db.operation"
	attrDBCollectionName = "db.collection.name"
	attrDBSQLTable       = "db.sql.table"
	attrHTTPMethod       = "http.request.method"
	attrHTTPMethodOld    = "http.method"
	attrURLTemplate      = "url.template"
	attrHTTPRoute2       = "http.route"
	attrURLFull          = "url.full"
	attrHTTPURL          = "http.url"
)

// OperationKey identifies what a client span did, so that a retry (the
// same operation again, on a fresh connection or after a failed attempt) can
// be recognised: the database system, statement (or operation and
// collection) and address; or the HTTP method, address and route (or URL
// without its query); or the RPC service and method. The port is left out:
// a retry goes to the same one, and the URL carries it. 0 when the span
// names no operation. One attribute scan, no allocation.
func OperationKey(span ptrace.Span) uint32 {
	const (
		fSystem = iota
		fStatement
		fOperation
		fCollection
		fMethod
		fAddress
		fRoute
		fURL
		fRPCService
		fRPCMethod
		nFields
	)
	var f [nFields]string
	for k, v := range span.Attributes().All() {
		i := -1
		switch k {
		case attrDBSystemName, attrDBSystem, attrRPCSystem:
			i = fSystem
		case attrDBQueryText, attrDBStatement:
			i = fStatement
		case attrDBOperationName, attrDBOperation:
			i = fOperation
		case attrDBCollectionName, attrDBSQLTable:
			i = fCollection
		case attrHTTPMethod, attrHTTPMethodOld:
			i = fMethod
		case attrServerAddress, attrNetPeerName, attrPeerService:
			i = fAddress
		case attrURLTemplate, attrHTTPRoute2:
			i = fRoute
		case attrURLFull, attrHTTPURL:
			i = fURL
		case attrRPCService:
			i = fRPCService
		case attrRPCMethod:
			i = fRPCMethod
		}
		if i >= 0 && f[i] == "" {
			f[i] = str(v)
		}
	}
	if f[fRoute] != "" {
		f[fURL] = ""
	} else if q := strings.IndexAny(f[fURL], "?#"); q >= 0 {
		f[fURL] = f[fURL][:q]
	}
	if f[fStatement] == "" && f[fOperation] == "" && f[fMethod] == "" && f[fRPCMethod] == "" {
		return 0
	}
	h := uint32(2166136261) // FNV-1a 32
	for _, s := range f {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint32(s[i])) * 16777619
		}
		h = (h ^ 0x1f) * 16777619
	}
	if h == 0 {
		h = 1
	}
	return h
}

// restateResponse drops an Error status that comes with the 5xx it
// answered and says nothing else: no description (the ASGI middleware's
// "http send" span of http.response.start), or the code's reason phrase with
// the code as error.type or none (opentelemetry-instrumentation-actix-web's
// server span, middleware/trace.rs: canonical_reason() as the description
// of every 5xx). Only restating the response, it is no evidence.
func restateResponse(ev *diagnosis.Evidence, code int) {
	switch {
	case ev.StatusMessage == "":
		ev.StatusError = false
	case strings.EqualFold(ev.StatusMessage, http.StatusText(code)) && (ev.ErrorType == "" || ev.ErrorType == strconv.Itoa(code)):
		ev.StatusError, ev.StatusMessage, ev.ErrorType = false, "", ""
	}
}

// strAttr is the string attribute k of attrs, "" when absent or of another type.
func strAttr(attrs pcommon.Map, k string) string {
	if v, ok := attrs.Get(k); ok && v.Type() == pcommon.ValueTypeStr {
		return v.Str()
	}
	return ""
}
