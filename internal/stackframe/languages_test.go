package stackframe

import "testing"

// TestParseFrames: each language's frame line, and lines of the others or
// of prose that it must not take for one of its own.
func TestParseFrames(t *testing.T) {
	for _, tc := range []struct {
		name       string
		parse      func(line, next string) (frame, bool)
		line, next string
		ok         bool
		want       frame
	}{
		{"go", parseGo, "main.(*cart).first(0xc000012345)", "\t/app/cart.go:42 +0x1d", true,
			frame{function: "main.(*cart).first", where: "main.(*cart).first"}},
		{"go panic", parseGo, "panic({0x4c1a20, 0xc000014090})", "\t/usr/local/go/src/runtime/panic.go:770 +0x132", true,
			frame{function: "panic", where: "panic"}},
		{"go without its file line", parseGo, "main.first(0x1)", "next line", false, frame{}},
		{"go prose", parseGo, "error (see below)", "\tat x.go:1", false, frame{}},
		{"python", parsePython, `  File "/app/orders/views.py", line 42, in get_order`, "", true,
			frame{module: "orders/views", function: "get_order", where: "/app/orders/views.py"}},
		{"python prose", parsePython, "Traceback (most recent call last):", "", false, frame{}},
		{"java", parseJava, "\tat com.shop.Repo.find(Repo.java:42)", "", true,
			frame{module: "com.shop.Repo", function: "find", where: "com.shop.Repo"}},
		{"java module and jar", parseJava, "\tat java.base/java.net.Socket.connect(Socket.java:751) ~[na:na]", "", true,
			frame{module: "java.net.Socket", function: "connect", where: "java.net.Socket"}},
		{"java lambda and proxy", parseJava, "\tat com.shop.Svc$$SpringCGLIB$$0.lambda$run$3(Svc.java:9)", "", true,
			frame{module: "com.shop.Svc", function: "lambda$run", where: "com.shop.Svc"}},
		{"java not a java file", parseJava, "    at Object.handler (/app/index.js:3:9)", "", false, frame{}},
		{"php otel", parsePHPOtel, "at App\\Cart.total(/app/src/Cart.php:42)", "", true,
			frame{module: "App\\Cart", function: "total", where: "App\\Cart.total"}},
		{"dotnet", parseDotnet, "   at Shop.Cart.<Total>d__4.MoveNext() in /src/Cart.cs:line 42", "", true,
			frame{module: "Shop.Cart", function: "Total", where: "Shop.Cart.Total"}},
		{"dotnet not a java frame", parseDotnet, "\tat com.shop.Repo.find(Repo.java:42)", "", false, frame{}},
		{"node", parseNode, "    at async CartService.total (/app/src/cart.js:14:31)", "", true,
			frame{module: "src/cart", function: "CartService.total", where: "/app/src/cart.js"}},
		{"node anonymous", parseNode, "    at /app/src/routes/checkout.js:40:12", "", true,
			frame{module: "routes/checkout", function: "<anonymous>", where: "/app/src/routes/checkout.js"}},
		{"node alias", parseNode, "    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)", "", true,
			frame{module: "router/layer", function: "Layer.handle", where: "/app/node_modules/express/lib/router/layer.js"}},
		{"ruby", parseRuby, "/app/models/cart.rb:42:in `block in total'", "", true,
			frame{module: "models/cart", function: "total", where: "/app/models/cart.rb"}},
		{"php native", parsePHPNative, "#0 /app/src/Cart.php(42): App\\Cart->total()", "", true,
			frame{function: "App\\Cart->total", where: "App\\Cart->total"}},
		{"php native main", parsePHPNative, "#3 {main}", "", true, frame{function: "{main}", where: "{main}"}},
		{"php native vendor global", parsePHPNative, "#1 /app/vendor/lib/x.php(7): json_decode()", "", true,
			frame{function: "json_decode", where: "/app/vendor/lib/x.php"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.parse(tc.line, tc.next)
			if ok != tc.ok || got != tc.want {
				t.Errorf("parse(%q) = %+v %v, want %+v %v", tc.line, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestBoundaries: the lines that start another exception of a chain.
func TestBoundaries(t *testing.T) {
	for _, tc := range []struct {
		name     string
		boundary func(string) int
		line     string
		want     int
	}{
		{"python cause", pythonBoundary, "The above exception was the direct cause of the following exception:", newSection},
		{"python context", pythonBoundary, "During handling of the above exception, another exception occurred:", newSection},
		{"python frame", pythonBoundary, `  File "x.py", line 1, in f`, noBoundary},
		{"java cause", javaBoundary, "Caused by: java.net.ConnectException: refused", newSection},
		{"java suppressed", javaBoundary, "\tSuppressed: java.io.IOException: close", ignoredSection},
		{"java frame", javaBoundary, "\tat a.B.c(B.java:1)", noBoundary},
		{"dotnet inner", dotnetBoundary, "   --- End of inner exception stack trace ---", newSection},
	} {
		if got := tc.boundary(tc.line); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestPathTail: the last two elements of a path, without the extension.
func TestPathTail(t *testing.T) {
	for in, want := range map[string]string{
		"/app/orders/views.py":       "orders/views",
		`C:\src\Shop\Cart.cs`:        "Shop/Cart",
		"views.py":                   "views",
		"/srv/release-42/lib/a.b/cs": "a.b/cs",
	} {
		if got := pathTail(in); got != want {
			t.Errorf("pathTail(%q) = %q, want %q", in, got, want)
		}
	}
}
