package fingerprint

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/stackframe"
)

// TestFingerprintGolden pins the values of scheme v3 (checked independently:
// FNV-1a 64 of "v3", the fields and "route /cart/{id}" joined by 0x1f, in
// Python, gives c1d31ff00e626beb; the anonymous row's last field is
// "frame node/app.<anonymous> route /coupon": da5ec8abb41367b4). A change here changes
// every stored fingerprint, diagnosis.first_seen and diagnosis.regression.
// Change them only with a new Scheme, in the README and the CHANGELOG.
func TestFingerprintGolden(t *testing.T) {
	tests := []struct {
		name string
		f    Fields
		want string
	}{
		{"empty", Fields{}, "17d1a2bfb8bfc550"},
		{"database_connection by dependency", Fields{Service: "checkout", Category: diagnosis.DatabaseConnection, Cause: "connection_refused",
			ExceptionType: "org.postgresql.util.PSQLException", Message: "Connection to 10.0.3.7:5432 refused. Check that the hostname and port are correct",
			Dependency: "postgresql shop pg.internal:5432", Frame: "com.acme.shop.CartRepository.find"}, "88c36b390b66ec06"},
		{"database_query by dependency", Fields{Service: "orders", Category: diagnosis.DatabaseQuery, Cause: "undefined_table",
			Message: `relation "orders_2024" does not exist`, Dependency: "postgresql orders"}, "ce134329217cca36"},
		{"dependency_failure by downstream", Fields{Service: "shop", Category: diagnosis.DependencyFailure, Cause: "upstream_5xx",
			Message: "500 Internal Server Error", Dependency: "service=payments"}, "afda91ee7d4e39c1"},
		{"application_exception by frame", Fields{Service: "cart", Category: diagnosis.ApplicationException, Cause: "null_reference",
			ExceptionType: "System.NullReferenceException", Message: "Object reference not set to an instance of an object.",
			Frame: "Shop.Orders.OrderService.GetOrdersAsync"}, "212f7b3a6f53fbb4"},
		{"resource_exhaustion by frame and dependency", Fields{Service: "inventory", Category: diagnosis.ResourceExhaustion, Cause: "disk_full",
			ExceptionType: "", Message: "could not extend file: No space left on device", Dependency: "postgresql shop"}, "7c0ee2928bfdf110"},
		{"application_exception by anonymous frame and route", Fields{Service: "nodecart", Category: diagnosis.ApplicationException, Cause: "null_reference",
			ExceptionType: "TypeError", Message: "Cannot read properties of undefined", Frame: "node/app.<anonymous>", Route: "/coupon"}, "da5ec8abb41367b4"},
		{"unknown by route", Fields{Service: "frontend", Category: diagnosis.Unknown, Cause: "no_evidence", Route: "/cart/{id}", NoEvidence: true}, "c1d31ff00e626beb"},
	}
	for _, tc := range tests {
		if got := Fingerprint(tc.f); got != tc.want {
			t.Errorf("%s: Fingerprint(%+v) = %q, want %q", tc.name, tc.f, got, tc.want)
		}
	}
}

// TestFingerprintGoldenFrames pins the fingerprint of a null dereference at
// the top frame of each real stack trace of package stackframe: a row of the
// frame tables that starts to read another frame changes its value here.
// The Go panic of the same code three lines lower (go_panic_moved) keeps
// the value of go_panic. The route is hashed for the anonymous frames only
// (node_express_handler, node_json_parse, python_genexpr).
func TestFingerprintGoldenFrames(t *testing.T) {
	tests := []struct{ file, want string }{
		{"go_panic.txt", "4be64d3d5cce913f"},
		{"go_panic_moved.txt", "4be64d3d5cce913f"},
		{"java_caused_by.txt", "615a85c09ec363e0"},
		{"java_npe_shipping.txt", "7406d1b483f3a7af"},
		{"java_npe_discount.txt", "581b04e3a3853e5a"},
		{"java_spring_tomcat.txt", "5cebaa210a5a63ca"},
		{"python_chain.txt", "e34d3f3e59b03ab8"},
		{"python_dist_packages.txt", "ebd1880b4d8a89ab"},
		{"node_async.txt", "218b385aa4f74c30"},
		{"node_express_handler.txt", "fa16974b6531c0c2"},
		{"python_genexpr.txt", "1a38d328cbb77fd2"},
		{"node_json_parse.txt", "bc64fd3006ef6a89"},
		{"dotnet_mvc.txt", "b4772fc47c768cca"},
		{"dotnet_async.txt", "9abf45cfc397a623"},
		{"dotnet_inner.txt", "aa4560bc941af46c"},
		{"ruby_full_message.txt", "ef8e65269e495925"},
		{"ruby_legacy_quotes.txt", "cfd59b51592ae60e"},
		{"php_otel.txt", "b12f99d0c6841ef7"},
		{"php_native.txt", "065f02f82f544574"},
	}
	for _, tc := range tests {
		b, err := os.ReadFile(filepath.Join("..", "stackframe", "testdata", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		frame := stackframe.Top(string(b))
		if frame == "" {
			t.Errorf("%s: no frame", tc.file)
		}
		got := Fingerprint(Fields{Service: "shop", Category: diagnosis.ApplicationException, Cause: "null_reference",
			ExceptionType: "NullReference", Message: "nil dereference", Frame: frame, Route: "/cart"})
		if got != tc.want {
			t.Errorf("%s (frame %q): %q, want %q", tc.file, frame, got, tc.want)
		}
	}
}

// What the scheme groups and what it tells apart (issue 15).
func TestFingerprintGroups(t *testing.T) {
	nilPanic := Fields{Service: "shop", Category: diagnosis.ApplicationException, Cause: "null_reference",
		ExceptionType: "runtime.Error", Message: "runtime error: invalid memory address or nil pointer dereference"}
	at := func(f Fields, frame string) Fields { f.Frame = frame; return f }
	refused := Fields{Service: "shop", Category: diagnosis.DatabaseConnection, Cause: "connection_refused",
		Message: "dial tcp 10.0.0.5:5432: connect: connection refused"}
	dep := func(f Fields, d string) Fields { f.Dependency = d; return f }
	bare := Fields{Service: "shop", Category: diagnosis.Unknown, Cause: "no_evidence", NoEvidence: true}
	route := func(f Fields, r string) Fields { f.Route = r; return f }

	differ := [][2]Fields{
		{at(nilPanic, "main.(*cart).first"), at(nilPanic, "main.(*order).total")},
		{dep(refused, "postgresql shop"), dep(refused, "mysql shop")},
		{dep(refused, "redis 0 cache:6379"), dep(refused, "redis 0 sessions:6379")},
		{route(bare, "/cart"), route(bare, "/checkout")},
	}
	// Two NullPointerExceptions in two Java methods (real traces, one message).
	npe := Fields{Service: "orders", Category: diagnosis.ApplicationException, Cause: "null_reference", ExceptionType: "java.lang.NullPointerException"}
	differ = append(differ, [2]Fields{at(npe, frameOf(t, "java_npe_shipping.txt")), at(npe, frameOf(t, "java_npe_discount.txt"))})
	// One TypeError in two anonymous Express handlers of one file, one
	// KeyError in the generator expressions of two Flask views (the test
	// bed's traces): the frame names the file only, the route tells them apart.
	typeErr := Fields{Service: "nodecart", Category: diagnosis.ApplicationException, Cause: "null_reference", ExceptionType: "TypeError",
		Message: "Cannot read properties of undefined (reading 'pct')", Frame: frameOf(t, "node_express_handler.txt")}
	keyErr := Fields{Service: "pyorders", Category: diagnosis.ApplicationException, Cause: "key_error", ExceptionType: "KeyError",
		Message: "'discount'", Frame: frameOf(t, "python_genexpr.txt")}
	differ = append(differ, [2]Fields{route(typeErr, "/coupon"), route(typeErr, "/shipping")},
		[2]Fields{route(keyErr, "/orders/totals"), route(keyErr, "/orders/refunds")})
	for _, p := range differ {
		if Fingerprint(p[0]) == Fingerprint(p[1]) {
			t.Errorf("one group for two faults:\n%+v\n%+v", p[0], p[1])
		}
	}
	same := [][2]Fields{
		// A connection failure is the database's, whatever code called it.
		{at(dep(refused, "postgresql shop"), "com.acme.A.find"), at(dep(refused, "postgresql shop"), "com.acme.B.list")},
		// The route is read only when nothing else located the fault.
		{route(at(nilPanic, "main.f"), "/a"), route(at(nilPanic, "main.f"), "/b")},
		// Numbers in a route (a span name carrying the path) are normalised.
		{route(bare, "GET /product/123"), route(bare, "GET /product/456")},
	}
	for _, p := range same {
		if Fingerprint(p[0]) != Fingerprint(p[1]) {
			t.Errorf("two groups for one fault:\n%+v\n%+v", p[0], p[1])
		}
	}
}

func frameOf(t *testing.T, file string) string {
	b, err := os.ReadFile(filepath.Join("..", "stackframe", "testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return stackframe.Top(string(b))
}
