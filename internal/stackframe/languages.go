package stackframe

import (
	"regexp"
	"strings"
)

// languages is the language table, in the order a stack trace is tried
// against it: the first row that parses a line decides the language of the
// whole trace. Each row says how its runtime prints a frame, as the
// OpenTelemetry SDK of that language records exception.stacktrace.
var languages = []language{
	{
		// Go: runtime.Stack / debug.Stack, as otel-go records it (RecordError
		// WithStackTrace, and span.End on a panic): a function line, then a
		// tab-indented file line. Frames above panic() are the recovery.
		name:  "go",
		parse: parseGo,
		reset: func(line string) bool { return strings.HasPrefix(line, "panic(") },
	},
	{
		// Python: traceback.format_exception, as opentelemetry-python's
		// record_exception records it: outermost call first, the cause of a
		// chain printed first.
		name:         "python",
		parse:        parsePython,
		boundary:     pythonBoundary,
		bottomFirst:  true,
		deepestFirst: true,
	},
	{
		// Java (and Kotlin, Scala): Throwable.printStackTrace, as the Java SDK
		// and agent record it; "Caused by:" chains, "... N more".
		name:     "java",
		parse:    parseJava,
		boundary: javaBoundary,
	},
	{
		// PHP: opentelemetry-php's StackTraceFormatter, Java-like with
		// namespaces as dots and the file's base name.
		name:     "php",
		parse:    parsePHPOtel,
		boundary: javaBoundary,
	},
	{
		// .NET: Exception.ToString(), as OpenTelemetry .NET's RecordException
		// records it; inner exceptions printed first.
		name:         "dotnet",
		parse:        parseDotnet,
		boundary:     dotnetBoundary,
		deepestFirst: true,
	},
	{
		// Node.js: err.stack, as opentelemetry-js's recordException records it.
		name:  "node",
		parse: parseNode,
	},
	{
		// Ruby: Exception#full_message(order: :top), as opentelemetry-ruby's
		// record_exception records it (Ruby 3.4 quotes 'Class#method', older
		// ones `method').
		name:  "ruby",
		parse: parseRuby,
	},
	{
		// PHP's own Throwable::getTraceAsString ("#0 file(line): callee()"),
		// which hand-written instrumentation often records.
		name:  "php_native",
		parse: parsePHPNative,
	},
}

// skips is the skipped-frame table: runtime, standard-library, framework,
// driver and instrumentation frames, per language. Go's standard library
// is recognised by its package roots (isGoStdlib, row "go.stdlib").
var skips = []skip{
	{lang: "go", name: "runtime", prefix: "runtime."},
	{lang: "go", name: "otel", prefix: "go.opentelemetry.io/"},
	{lang: "go", name: "grpc", prefix: "google.golang.org/grpc"},
	{lang: "go", name: "chi", prefix: "github.com/go-chi/chi"},
	{lang: "go", name: "gin", prefix: "github.com/gin-gonic/gin"},
	{lang: "go", name: "echo", prefix: "github.com/labstack/echo"},
	{lang: "go", name: "gorilla", prefix: "github.com/gorilla/"},
	{lang: "go", name: "fiber", prefix: "github.com/gofiber/"},
	{lang: "go", name: "pgx", prefix: "github.com/jackc/"},
	{lang: "go", name: "mysql", prefix: "github.com/go-sql-driver/mysql"},
	{lang: "go", name: "pq", prefix: "github.com/lib/pq"},
	{lang: "go", name: "otelsql", prefix: "github.com/XSAM/otelsql"},

	{lang: "java", name: "jdk", prefix: "java."},
	{lang: "java", name: "javax", prefix: "javax."},
	{lang: "java", name: "jakarta", prefix: "jakarta."},
	{lang: "java", name: "jdk_internal", prefix: "jdk."},
	{lang: "java", name: "sun", prefix: "sun."},
	{lang: "java", name: "com_sun", prefix: "com.sun."},
	{lang: "java", name: "spring", prefix: "org.springframework."},
	{lang: "java", name: "tomcat", prefix: "org.apache.catalina."},
	{lang: "java", name: "coyote", prefix: "org.apache.coyote."},
	{lang: "java", name: "tomcat_util", prefix: "org.apache.tomcat."},
	{lang: "java", name: "netty", prefix: "io.netty."},
	{lang: "java", name: "reactor", prefix: "reactor."},
	{lang: "java", name: "hikari", prefix: "com.zaxxer.hikari."},
	{lang: "java", name: "hibernate", prefix: "org.hibernate."},
	{lang: "java", name: "postgresql", prefix: "org.postgresql."},
	{lang: "java", name: "mysql", prefix: "com.mysql."},
	{lang: "java", name: "mariadb", prefix: "org.mariadb."},
	{lang: "java", name: "jetty", prefix: "org.eclipse.jetty."},
	{lang: "java", name: "undertow", prefix: "io.undertow."},
	{lang: "java", name: "otel", prefix: "io.opentelemetry."},
	// Quarkus and the Vert.x and SmallRye (Mutiny) layers it runs on.
	{lang: "java", name: "quarkus", prefix: "io.quarkus."},
	{lang: "java", name: "vertx", prefix: "io.vertx."},
	{lang: "java", name: "smallrye", prefix: "io.smallrye."},
	{lang: "java", name: "kotlin", prefix: "kotlin."},
	{lang: "java", name: "kotlinx", prefix: "kotlinx."},
	{lang: "java", name: "scala", prefix: "scala."},

	{lang: "python", name: "site_packages", prefix: "/site-packages/", contains: true},
	{lang: "python", name: "dist_packages", prefix: "/dist-packages/", contains: true},
	{lang: "python", name: "stdlib", prefix: "/lib/python", contains: true},
	{lang: "python", name: "frozen", prefix: "<frozen "},
	// pydantic v1 is compiled with Cython: its frames print the module's relative path (pydantic/main.py).
	{lang: "python", name: "pydantic_compiled", prefix: "pydantic/"},
	// attrs' generated __init__ runs the field converters (environ-config's int of a variable): library code.
	{lang: "python", name: "attrs_generated", prefix: "<attrs generated "},

	{lang: "node", name: "internals", prefix: "node:"},
	{lang: "node", name: "internal_old", prefix: "internal/"},
	{lang: "node", name: "node_modules", prefix: "/node_modules/", contains: true},
	{lang: "node", name: "builtin", prefix: "<anonymous>"},
	{lang: "node", name: "promise_index", prefix: "index "},
	{lang: "node", name: "native", prefix: "native"},

	{lang: "dotnet", name: "system", prefix: "System."},
	{lang: "dotnet", name: "microsoft", prefix: "Microsoft."},
	{lang: "dotnet", name: "lambda_method", prefix: "lambda_method"},
	{lang: "dotnet", name: "npgsql", prefix: "Npgsql."},
	{lang: "dotnet", name: "otel", prefix: "OpenTelemetry."},

	{lang: "ruby", name: "gems", prefix: "/gems/", contains: true},
	{lang: "ruby", name: "stdlib", prefix: "/lib/ruby/", contains: true},
	{lang: "ruby", name: "internal", prefix: "<internal:"},

	{lang: "php", name: "main", prefix: "{main}"},
	{lang: "php", name: "laravel", prefix: "Illuminate."},
	{lang: "php", name: "symfony", prefix: "Symfony."},
	{lang: "php", name: "guzzle", prefix: "GuzzleHttp."},
	{lang: "php", name: "doctrine", prefix: "Doctrine."},
	{lang: "php", name: "slim", prefix: "Slim."},
	{lang: "php", name: "otel", prefix: "OpenTelemetry."},
	{lang: "php", name: "pdo", prefix: "PDO."},

	{lang: "php_native", name: "main", prefix: "{main}"},
	{lang: "php_native", name: "internal", prefix: "[internal function]"},
	{lang: "php_native", name: "vendor", prefix: "/vendor/", contains: true},
	{lang: "php_native", name: "laravel", prefix: `Illuminate\`},
	{lang: "php_native", name: "symfony", prefix: `Symfony\`},
	{lang: "php_native", name: "pdo", prefix: "PDO->"},
}

// anonymousFunctions is the table of the names runtimes give a function
// that has none of its own. Such a frame says which file failed, not which
// code: two anonymous Express handlers of one file print the same frame, so
// the fingerprint adds the route (Anonymous). Java's lambdas, Go's closures,
// Ruby's blocks and .NET's generated methods carry their enclosing method's
// name and are not here, except where that name is no method.
var anonymousFunctions = []anonymous{
	{lang: "node", name: "anonymous", suffix: "<anonymous>"}, // also Object.<anonymous>, a module's top level
	{lang: "python", name: "lambda", suffix: "<lambda>"},
	{lang: "python", name: "genexpr", suffix: "<genexpr>"},
	{lang: "python", name: "listcomp", suffix: "<listcomp>"}, // before Python 3.12 (PEP 709 inlines them)
	{lang: "python", name: "dictcomp", suffix: "<dictcomp>"},
	{lang: "python", name: "setcomp", suffix: "<setcomp>"},
	{lang: "python", name: "module", suffix: "<module>"},
	{lang: "java", name: "static_lambda", suffix: ".lambda$static"}, // a lambda of a static initializer
	{lang: "java", name: "constructor_lambda", suffix: ".lambda$new"},
	{lang: "php", name: "closure", suffix: "{closure}"},
	{lang: "php_native", name: "closure", suffix: "{closure}"},
	{lang: "ruby", name: "main", suffix: "<main>"},
	{lang: "ruby", name: "top_required", suffix: "<top (required)>"},
}

// parseGo reads "pkg/path.(*T).Method(0xc000012345, {0x1, 0x2})" followed
// by "\t/path/file.go:42 +0x1d".
func parseGo(line, next string) (frame, bool) {
	if line == "" || line[0] == '\t' || line[0] == ' ' || !strings.HasSuffix(line, ")") ||
		!strings.HasPrefix(next, "\t") || !strings.Contains(next, ".go:") {
		return frame{}, false
	}
	i := strings.LastIndexByte(line, '(')
	if i <= 0 {
		return frame{}, false
	}
	fn := line[:i]
	if strings.ContainsAny(fn, " \t") || !strings.Contains(fn, ".") && fn != "panic" {
		return frame{}, false
	}
	return frame{function: fn, where: fn}, true
}

var pythonFrame = regexp.MustCompile(`^\s+File "([^"]+)", line \d+, in (\S+)`)

func parsePython(line, _ string) (frame, bool) {
	m := pythonFrame.FindStringSubmatch(line)
	if m == nil {
		return frame{}, false
	}
	return frame{module: pathTail(m[1]), function: m[2], where: m[1]}, true
}

func pythonBoundary(line string) int {
	if strings.HasPrefix(line, "The above exception was the direct cause") ||
		strings.HasPrefix(line, "During handling of the above exception") {
		return newSection
	}
	return noBoundary
}

// javaCall splits "at [module/]pkg.Class.method(Location)[ ~[jar:version]]".
func javaCall(line string) (qualified, location string, ok bool) {
	t := strings.TrimSpace(line)
	if !strings.HasPrefix(t, "at ") {
		return "", "", false
	}
	t = t[3:]
	if i := strings.Index(t, ") ~["); i >= 0 { // logback's packaging data
		t = t[:i+1]
	} else if i := strings.Index(t, ") ["); i >= 0 {
		t = t[:i+1]
	}
	open := strings.IndexByte(t, '(')
	if open <= 0 || !strings.HasSuffix(t, ")") || strings.ContainsAny(t[:open], " \t") {
		return "", "", false
	}
	return t[:open], t[open+1 : len(t)-1], true
}

var (
	javaLocation = regexp.MustCompile(`^[\w$.-]+\.(java|kt|scala|groovy|clj)(:\d+)?$|^Unknown Source$|^Native Method$|^<generated>$`)
	javaLambda   = regexp.MustCompile(`^(lambda\$[\w$]+?)\$\d+$`)
	javaProxy    = regexp.MustCompile(`\$\$.*$|\$Proxy\d+$|\$HibernateProxy.*$`)
)

func parseJava(line, _ string) (frame, bool) {
	q, loc, ok := javaCall(line)
	if !ok || !javaLocation.MatchString(loc) {
		return frame{}, false
	}
	if i := strings.LastIndexByte(q, '/'); i >= 0 { // java.base/, app//
		q = q[i+1:]
	}
	dot := strings.LastIndexByte(q, '.')
	if dot <= 0 {
		return frame{}, false
	}
	class, method := q[:dot], q[dot+1:]
	class = javaProxy.ReplaceAllString(class, "")
	if m := javaLambda.FindStringSubmatch(method); m != nil {
		method = m[1]
	}
	return frame{module: class, function: method, where: class}, true
}

func javaBoundary(line string) int {
	switch {
	case strings.HasPrefix(line, "Caused by: "):
		return newSection
	case strings.HasPrefix(strings.TrimLeft(line, "\t "), "Suppressed: "):
		return ignoredSection
	}
	return noBoundary
}

var phpLocation = regexp.MustCompile(`^[^()]*\.php(:\d+)?$|^Unknown Source$`)

func parsePHPOtel(line, _ string) (frame, bool) {
	q, loc, ok := javaCall(line)
	if !ok || !phpLocation.MatchString(loc) {
		return frame{}, false
	}
	f := frame{function: q, where: q}
	if dot := strings.LastIndexByte(q, '.'); dot > 0 {
		f.module, f.function = q[:dot], q[dot+1:]
	}
	return f, true
}

var (
	dotnetFrame = regexp.MustCompile(`^\s*at ([^\s(]+)\((.*?)\)( in .*)?$`)
	// Compiler-generated names: <Method>d__4 (async), <Method>b__0_0
	// (lambda), <Outer>g__Local|0_0 (local function).
	dotnetGenerated = regexp.MustCompile(`<([^<>]*)>[a-z]__[\w|]*`)
	dotnetClosure   = regexp.MustCompile(`\.?<>c(__DisplayClass[\d_]+)?`)
)

func parseDotnet(line, _ string) (frame, bool) {
	m := dotnetFrame.FindStringSubmatch(line)
	if m == nil || javaLocation.MatchString(m[2]) || phpLocation.MatchString(m[2]) {
		return frame{}, false
	}
	q := dotnetClosure.ReplaceAllString(m[1], "")
	q = dotnetGenerated.ReplaceAllString(q, "$1")
	q = strings.TrimSuffix(q, ".MoveNext")
	f := frame{function: q, where: q}
	if dot := strings.LastIndexByte(q, '.'); dot > 0 {
		f.module, f.function = q[:dot], q[dot+1:]
	}
	return f, true
}

func dotnetBoundary(line string) int {
	if strings.Contains(line, "--- End of inner exception stack trace ---") {
		return newSection
	}
	return noBoundary
}

var (
	nodeFrame    = regexp.MustCompile(`^\s+at (?:(.+?) \((.+)\)|(.+:\d+:\d+))$`)
	nodeLineCol  = regexp.MustCompile(`:\d+:\d+$`)
	nodeAlias    = regexp.MustCompile(` \[as [^\]]+\]$`)
	nodeBuiltins = regexp.MustCompile(`^(<anonymous>|native|index \d+)$`)
)

func parseNode(line, _ string) (frame, bool) {
	m := nodeFrame.FindStringSubmatch(line)
	if m == nil {
		return frame{}, false
	}
	fn, loc := m[1], m[2]
	if m[3] != "" {
		fn, loc = "<anonymous>", m[3]
	}
	if !nodeLineCol.MatchString(loc) && !nodeBuiltins.MatchString(loc) {
		return frame{}, false
	}
	fn = strings.TrimPrefix(fn, "async ")
	fn = strings.TrimPrefix(fn, "new ")
	fn = nodeAlias.ReplaceAllString(fn, "")
	path := nodeLineCol.ReplaceAllString(loc, "")
	return frame{module: pathTail(strings.TrimPrefix(path, "file://")), function: fn, where: path}, true
}

var (
	rubyFrame = regexp.MustCompile("^\\s*(?:from )?(\\S.*?):\\d+:in [`']([^'`]+)'")
	rubyBlock = regexp.MustCompile(`^(?:(?:block|rescue|ensure)(?: \(\d+ levels\))? in )+`)
)

func parseRuby(line, _ string) (frame, bool) {
	m := rubyFrame.FindStringSubmatch(line)
	if m == nil {
		return frame{}, false
	}
	return frame{module: pathTail(m[1]), function: rubyBlock.ReplaceAllString(m[2], ""), where: m[1]}, true
}

var phpNativeFrame = regexp.MustCompile(`^#\d+ (?:(.+?)\(\d+\)|(\[internal function\]|\{main\}))(?:: ([^(]+))?`)

// parsePHPNative reads "#0 /app/src/Cart.php(42): App\Cart->total()": the
// callee is the function that was running, the file the call site in its
// caller. The callee is what is kept and matched (its namespace tells the
// framework); a call made from a vendor/ file into a global function is the
// library's.
func parsePHPNative(line, _ string) (frame, bool) {
	m := phpNativeFrame.FindStringSubmatch(line)
	if m == nil {
		return frame{}, false
	}
	file, callee := m[1], m[3]
	switch {
	case m[2] == "{main}":
		return frame{function: "{main}", where: "{main}"}, true
	case m[2] != "":
		return frame{function: callee, where: "[internal function] " + callee}, true
	case !strings.ContainsAny(callee, `\>:`) && strings.Contains(file, "/vendor/"):
		return frame{function: callee, where: file}, true
	}
	return frame{function: callee, where: callee}, true
}

// pathTail is the last two elements of a file path without the extension:
// stable when the application moves to another directory or release.
func pathTail(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	if i := strings.LastIndexByte(p, '.'); i > strings.LastIndexByte(p, '/') {
		p = p[:i]
	}
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		if j := strings.LastIndexByte(p[:i], '/'); j >= 0 {
			return p[j+1:]
		}
	}
	return p
}
