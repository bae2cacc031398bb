package fingerprint

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/stackframe"
)

// TestFingerprintGolden pins the values of scheme v4 (checked independently:
// FNV-1a 64 of "v4", the fields and "route /cart/{id}" joined by 0x1f, in
// Python, gives f1ea21c647533562; the anonymous row's last field is
// "frame node/app.<anonymous> route /coupon": 62b00b83e8094057). A change here changes
// every stored fingerprint, diagnosis.first_seen and diagnosis.regression.
// Change them only with a new Scheme, in the README and the CHANGELOG.
func TestFingerprintGolden(t *testing.T) {
	tests := []struct {
		name string
		f    Fields
		want string
	}{
		{"empty", Fields{}, "d7c4c46da02ac321"},
		{"database_connection by dependency", Fields{Service: "checkout", Category: diagnosis.DatabaseConnection, Cause: "connection_refused",
			ExceptionType: "org.postgresql.util.PSQLException", Message: "Connection to 10.0.3.7:5432 refused. Check that the hostname and port are correct",
			Dependency: "postgresql shop pg.internal:5432", Frame: "com.acme.shop.CartRepository.find"}, "1332c8c659abf9b7"},
		{"database_query by dependency", Fields{Service: "orders", Category: diagnosis.DatabaseQuery, Cause: "undefined_table",
			Message: `relation "orders_2024" does not exist`, Dependency: "postgresql orders"}, "e127e3dd34dcb939"},
		{"dependency_failure by downstream", Fields{Service: "shop", Category: diagnosis.DependencyFailure, Cause: "upstream_5xx",
			Message: "500 Internal Server Error", Dependency: "service=payments"}, "c252ea67361ecfa0"},
		{"application_exception by frame", Fields{Service: "cart", Category: diagnosis.ApplicationException, Cause: "null_reference",
			ExceptionType: "System.NullReferenceException", Message: "Object reference not set to an instance of an object.",
			Frame: "Shop.Orders.OrderService.GetOrdersAsync"}, "090e4e1d9e024b81"},
		{"resource_exhaustion by frame and dependency", Fields{Service: "inventory", Category: diagnosis.ResourceExhaustion, Cause: "disk_full",
			ExceptionType: "", Message: "could not extend file: No space left on device", Dependency: "postgresql shop"}, "9e41b49b6a57bf33"},
		{"application_exception by anonymous frame and route", Fields{Service: "nodecart", Category: diagnosis.ApplicationException, Cause: "null_reference",
			ExceptionType: "TypeError", Message: "Cannot read properties of undefined", Frame: "node/app.<anonymous>", Route: "/coupon"}, "62b00b83e8094057"},
		{"unknown by route", Fields{Service: "frontend", Category: diagnosis.Unknown, Cause: "no_evidence", Route: "/cart/{id}", NoEvidence: true}, "f1ea21c647533562"},
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
		{"go_panic.txt", "455a450cc6905b28"},
		{"go_panic_moved.txt", "455a450cc6905b28"},
		{"java_caused_by.txt", "da105d616a2af2b9"},
		{"java_npe_shipping.txt", "04343785e6c3a202"},
		{"java_npe_discount.txt", "043483cee35b38d5"},
		{"java_spring_tomcat.txt", "34bec76bcc84d2b1"},
		{"python_chain.txt", "af420fd7c0d17799"},
		{"python_dist_packages.txt", "019a08e4ff1f0368"},
		{"node_async.txt", "5df9f2acacf7d6bb"},
		{"node_express_handler.txt", "4052e7bb63b110c9"},
		{"python_genexpr.txt", "53c4f16bc7a0d53f"},
		{"node_json_parse.txt", "b1e159be6ac618c4"},
		{"dotnet_mvc.txt", "eecbe78a13b07737"},
		{"dotnet_async.txt", "82e8ff0a3cca8a60"},
		{"dotnet_inner.txt", "4dc2175570deeb21"},
		{"ruby_full_message.txt", "4afef1fb4ce245fa"},
		{"ruby_legacy_quotes.txt", "f0c1ea89fc65254d"},
		{"php_otel.txt", "5ff413aea6758bda"},
		{"php_native.txt", "63651368d5e5fb5d"},
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
	missingTable := Fields{Service: "pyorders", Category: diagnosis.DatabaseQuery, Cause: "undefined_table",
		Message: `(1146, "Table 'payments.invoices' doesn't exist")`, Dependency: "mysql payments 127.0.0.1"}
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
		// One failed statement reported by the driver's span (an exception
		// event) and by SQLAlchemy's sibling span (its status only), either of
		// which may decide: the test bed's PyMySQL missing table, repeated.
		{missingTable, func() Fields { f := missingTable; f.ExceptionType = "pymysql.err.ProgrammingError"; return f }()},
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
