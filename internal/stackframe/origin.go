package stackframe

import (
	"strings"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/memo"
)

// Kind is what a library does, and so what failed when a failure came from
// it (docs/design.md §2.4, "Origin over words").
type Kind string

const (
	KindDriver   Kind = "database_driver"
	KindPool     Kind = "connection_pool"
	KindHTTP     Kind = "http_client"
	KindRPC      Kind = "rpc_client"
	KindCache    Kind = "cache_client"
	KindConfig   Kind = "configuration"
	KindTemplate Kind = "template_engine"
	KindFile     Kind = "file_system"
)

// Library is one row of the origin table: a library of one language, what
// it is, and for database libraries the database family it speaks to.
type Library struct {
	Lang, Name string
	Kind       Kind
	// System is the database family of a driver, pool or cache client
	// (postgresql, mysql, mssql, oracle, mongodb, redis); "" when it serves
	// several.
	System string
	// frames are what a frame of the library looks like: a prefix of the
	// qualified name (Java, .NET, Go, PHP) or a fragment of the file path
	// (Python, Node.js, Ruby).
	frames []string
	// types are prefixes of the exception types of the library's
	// namespace ("psycopg_pool.", "PG::"), read when no frame says more.
	types []string
	// code: fragments of the source line Python prints under an
	// application frame that show the library being called there
	// (os.environ[...] raises no frame of its own).
	code []string
	// spans: names of the spans an instrumentation of the library makes
	// for one of its own operations (otelpgx's "pool.acquire").
	spans []string
	// props: names of boolean properties the library sets true on its own
	// errors, which a logger that copies an error's properties into the
	// record's attributes keeps (mysql2's fatal).
	props []string
	// Cite is where the row was taken from: a file of the library's own
	// source, or a message it emits.
	Cite string
}

// pathLanguage reports whether the row's frames are matched as path
// fragments (the languages whose frames name a file) rather than prefixes.
func (l *Library) pathLanguage() bool {
	switch l.Lang {
	case "python", "node", "ruby":
		return true
	}
	return false
}

func (l *Library) matchesFrame(where string) bool {
	if l.Lang == "go" {
		// A package vendored into a GOPATH project's vendor/ directory keeps the project's path in its
		// symbols: "app/vendor/github.com/lib/pq.(*conn).query" is lib/pq's.
		if i := strings.LastIndex(where, "/vendor/"); i >= 0 {
			where = where[i+len("/vendor/"):]
		}
	}
	for _, f := range l.frames {
		if l.pathLanguage() && strings.Contains(where, f) || !l.pathLanguage() && strings.HasPrefix(where, f) {
			return true
		}
	}
	return false
}

func (l *Library) matchesCode(source string) bool {
	for _, c := range l.code {
		if strings.Contains(source, c) {
			return true
		}
	}
	return false
}

func (l *Library) matchesType(t string) bool {
	for _, p := range l.types {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// frameLanguage maps the language rows of the stack parser to the
// languages of the origin table (PHP is printed two ways).
func frameLanguage(lang string) string {
	if lang == "php_native" {
		return "php"
	}
	return lang
}

// Origin names the library a failure came from: walking the frames of its
// stack trace from where the innermost exception was raised outwards, the
// first frame of a library of the origin table; the walk stops at the
// first frame of the application's own code (whose Python source line may
// still show a library called there, os.environ). Without such a frame,
// the namespace of the exception type. "" when neither says.
func Origin(stacktrace, exceptionType string) string {
	if len(stacktrace) > maxMemoKey {
		return origin1(originKey{stacktrace, exceptionType})
	}
	return origins.Get(originKey{stacktrace, exceptionType})
}

type originKey struct{ stacktrace, exceptionType string }

var origins = memo.New(8, origin1).OwnKeys(func(k originKey) originKey {
	return originKey{strings.Clone(k.stacktrace), strings.Clone(k.exceptionType)}
})

func origin1(k originKey) string {
	if l := originOf(k.stacktrace, k.exceptionType); l != nil {
		return l.Name
	}
	return ""
}

func originOf(stacktrace, exceptionType string) *Library {
	var found *Library
	walk(stacktrace, func(lang *language, w walked) bool {
		ln := frameLanguage(lang.name)
		where := w.where
		switch lang.name {
		case "php_native":
			where = strings.ReplaceAll(where, `\`, ".")
		case "node", "python":
			// Windows prints the paths with backslashes (C:\app\node_modules\pg\lib\client.js).
			where = strings.ReplaceAll(where, `\`, "/")
		}
		for i := range libraries {
			if l := &libraries[i]; l.Lang == ln && l.matchesFrame(where) {
				found = l
				return false
			}
		}
		if !inApp(lang.name, w.frame, nil) {
			return true
		}
		for i := range libraries {
			if l := &libraries[i]; l.Lang == ln && w.source != "" && l.matchesCode(w.source) {
				found = l
				break
			}
		}
		return false
	})
	if found != nil {
		return found
	}
	t := strings.TrimLeft(exceptionType, "*")
	if t == "" {
		return nil
	}
	for i := range libraries {
		if libraries[i].matchesType(t) {
			return &libraries[i]
		}
	}
	return nil
}

// SpanOrigin names the library whose own operation a span of that name
// is, "" when none: the first row of the table that names the span. Asked
// of every span with evidence, so looked up rather than walked over the
// table's rows.
func SpanOrigin(spanName string) string {
	if spanName == "" {
		return ""
	}
	return spanOrigins[spanName]
}

// PropertyOrigin names the library whose errors carry the boolean property
// name set true, "" when none.
func PropertyOrigin(name string) string { return propertyOrigins[name] }

// ErrorProperties are the property names PropertyOrigin knows.
func ErrorProperties() []string { return errorProperties }

// LibraryNamed returns the row of the origin table named name (as Origin
// returns it), nil when none.
func LibraryNamed(name string) *Library {
	if name == "" {
		return nil
	}
	return libraryIndex[name]
}

var libraryIndex = map[string]*Library{}

// spanOrigins and propertyOrigins are the libraries by the names of their
// spans (SpanOrigin) and of their errors' properties (PropertyOrigin), the
// first row that names one.
var (
	spanOrigins     = map[string]string{}
	propertyOrigins = map[string]string{}
	errorProperties []string
)

func init() {
	for i := range libraries {
		libraryIndex[libraries[i].Name] = &libraries[i]
		for _, n := range libraries[i].spans {
			if _, taken := spanOrigins[n]; !taken {
				spanOrigins[n] = libraries[i].Name
			}
		}
		for _, n := range libraries[i].props {
			if _, taken := propertyOrigins[n]; !taken {
				propertyOrigins[n] = libraries[i].Name
				errorProperties = append(errorProperties, n)
			}
		}
	}
}
